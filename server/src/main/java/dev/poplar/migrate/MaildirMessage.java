package dev.poplar.migrate;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** A message in a Maildir file; received at the time in the file name (or the file's mtime). */
record MaildirMessage(String uidl, Path file, long receivedMillis) implements SourceMessage {
    @Override
    public String where() {
        return file.toString();
    }

    @Override
    public Fetched fetch() throws IOException {
        return new Fetched(Files.readAllBytes(file), receivedMillis);
    }
}
