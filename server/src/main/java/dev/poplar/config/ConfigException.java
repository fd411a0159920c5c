package dev.poplar.config;

/** Invalid configuration; the message names the key and says what to fix. */
public final class ConfigException extends Exception {
    public ConfigException(String message) {
        super(message);
    }
}
