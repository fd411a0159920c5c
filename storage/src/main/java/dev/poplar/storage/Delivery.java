package dev.poplar.storage;

import java.nio.charset.StandardCharsets;

/**
 * One recipient's copy of a message: the mailbox, header lines to put in front of it
 * (each CRLF-terminated, e.g. {@code "Delivered-To: bob\r\n"}) and the shared wire-form body.
 */
public record Delivery(String recipient, byte[] prefixHeaders, WireMessage message) {
    public Delivery {
        prefixHeaders = prefixHeaders.clone();
    }

    public static Delivery of(String recipient, String prefixHeaders, WireMessage message) {
        return new Delivery(recipient, prefixHeaders.getBytes(StandardCharsets.UTF_8), message);
    }

    @Override
    public byte[] prefixHeaders() {
        return prefixHeaders.clone();
    }
}
