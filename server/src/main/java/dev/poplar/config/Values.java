package dev.poplar.config;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;

/** Typed reads of configuration values, each failure naming the key. */
final class Values {
    private final Map<String, String> raw;

    Values(Map<String, String> raw) {
        this.raw = raw;
    }

    String string(ConfigKeys.Key key) {
        return raw.get(key.name()).trim();
    }

    /** The value as written, spaces kept (a password). */
    String raw(ConfigKeys.Key key) {
        return raw.get(key.name());
    }

    int port(ConfigKeys.Key key) throws ConfigException {
        int v = integer(key);
        if (v < 0 || v > 65535) {
            throw bad(key, "must be a port number 0-65535 (0 disables the listener)");
        }
        return v;
    }

    int positive(ConfigKeys.Key key) throws ConfigException {
        int v = integer(key);
        if (v < 1) {
            throw bad(key, "must be at least 1");
        }
        return v;
    }

    int integer(ConfigKeys.Key key) throws ConfigException {
        try {
            return Integer.parseInt(string(key));
        } catch (NumberFormatException e) {
            throw bad(key, "must be a whole number");
        }
    }

    boolean bool(ConfigKeys.Key key) throws ConfigException {
        return switch (string(key).toLowerCase(Locale.ROOT)) {
            case "true", "yes", "on" -> true;
            case "false", "no", "off" -> false;
            default -> throw bad(key, "must be true or false");
        };
    }

    /** Like {@link #duration} but 0 is allowed (it turns the feature off). */
    Duration durationOrZero(ConfigKeys.Key key) throws ConfigException {
        String s = string(key);
        return s.equals("0") || s.equals("0s") || s.equals("0ms") ? Duration.ZERO : duration(key);
    }

    /** A retention as {@link LimitSyntax#retention}, without "default" (this is the default). */
    long retention(ConfigKeys.Key key) throws ConfigException {
        String s = string(key);
        if (s.trim().equalsIgnoreCase("default")) {
            throw bad(key, "must be a number of days such as 90d, or never");
        }
        try {
            return LimitSyntax.retention(s);
        } catch (IllegalArgumentException e) {
            throw bad(key, "must be a number of days such as 90d, or never (at most 36600d)");
        }
    }

    /** A fraction such as 0.9: above 0, at most 1. */
    double ratio(ConfigKeys.Key key) throws ConfigException {
        String s = string(key).trim();
        double v;
        try {
            v = Double.parseDouble(s);
        } catch (NumberFormatException e) {
            throw bad(key, "must be a fraction such as 0.9");
        }
        if (!(v > 0 && v <= 1)) {
            throw bad(key, "must be above 0 and at most 1, such as 0.9");
        }
        return v;
    }

    int nonNegative(ConfigKeys.Key key) throws ConfigException {
        int v = integer(key);
        if (v < 0) {
            throw bad(key, "must be 0 or more");
        }
        return v;
    }

    java.util.List<dev.poplar.net.Cidr> cidrs(ConfigKeys.Key key) throws ConfigException {
        try {
            return dev.poplar.net.Cidr.parseList(string(key));
        } catch (IllegalArgumentException e) {
            throw bad(key, "must be a comma-separated list of addresses or address/prefix blocks: " + e.getMessage());
        }
    }

    /** "90s", "10m", "1h", "250ms" or a number of seconds. */
    Duration duration(ConfigKeys.Key key) throws ConfigException {
        String s = string(key).toLowerCase(Locale.ROOT);
        try {
            Duration d;
            if (s.endsWith("ms")) {
                d = Duration.ofMillis(Long.parseLong(s.substring(0, s.length() - 2)));
            } else if (s.endsWith("s")) {
                d = Duration.ofSeconds(Long.parseLong(s.substring(0, s.length() - 1)));
            } else if (s.endsWith("m")) {
                d = Duration.ofMinutes(Long.parseLong(s.substring(0, s.length() - 1)));
            } else if (s.endsWith("h")) {
                d = Duration.ofHours(Long.parseLong(s.substring(0, s.length() - 1)));
            } else {
                d = Duration.ofSeconds(Long.parseLong(s));
            }
            if (d.isNegative() || d.isZero()) {
                throw bad(key, "must be positive");
            }
            return d;
        } catch (NumberFormatException e) {
            throw bad(key, "must be a duration such as 30s, 10m or 1h");
        }
    }

    /** "50M", "64MiB", "1G", "512K" (binary multiples) or a number of bytes. */
    long size(ConfigKeys.Key key) throws ConfigException {
        String s = string(key).toUpperCase(Locale.ROOT).replace("IB", "").replace("B", "");
        long multiplier = 1;
        if (s.endsWith("K")) {
            multiplier = 1L << 10;
        } else if (s.endsWith("M")) {
            multiplier = 1L << 20;
        } else if (s.endsWith("G")) {
            multiplier = 1L << 30;
        }
        if (multiplier > 1) {
            s = s.substring(0, s.length() - 1);
        }
        try {
            long v = Math.multiplyExact(Long.parseLong(s.trim()), multiplier);
            if (v < 1) {
                throw bad(key, "must be positive");
            }
            return v;
        } catch (NumberFormatException | ArithmeticException e) {
            throw bad(key, "must be a size such as 512K, 50M or 1G");
        }
    }

    /** A size as {@link #size}, or "0" for none. */
    long sizeOrZero(ConfigKeys.Key key) throws ConfigException {
        return string(key).trim().equals("0") ? 0 : size(key);
    }

    static ConfigException bad(ConfigKeys.Key key, String what) {
        return new ConfigException("invalid configuration: " + key.name() + " (env " + key.envName() + ") " + what);
    }
}
