package dev.poplar.migrate;

import java.util.List;

/**
 * One user's messages at the source, in POP3 order, and what could not be used (with reasons).
 * Closing it ends what it holds open (a POP3 connection: QUIT, never DELE).
 */
public record SourceListing(List<SourceMessage> messages, List<String> problems, AutoCloseable resource)
        implements AutoCloseable {
    public SourceListing(List<SourceMessage> messages, List<String> problems) {
        this(messages, problems, () -> {});
    }

    @Override
    public void close() {
        try {
            resource.close();
        } catch (Exception ignored) {
            // the source is going away anyway; nothing was changed there
        }
    }
}
