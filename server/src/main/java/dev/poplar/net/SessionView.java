package dev.poplar.net;

import java.time.Instant;

/** One live session as the admin API's {@code who} shows it. */
public record SessionView(
        String id,
        String listener,
        String user,
        String clientAddress,
        String state,
        Instant started,
        long bytesIn,
        long bytesOut) {}
