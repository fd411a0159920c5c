package dev.poplar.importer;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.function.Consumer;

/**
 * Splits an mbox file (RFC 4155) into messages: a message starts at a "From " line at the start
 * of the file or after an empty line; the empty line before it belongs to the format, not the
 * message; "&gt;From " quoting is undone by one level (mboxrd, and harmless for mboxo).
 */
public final class MboxReader {
    private static final byte[] FROM = {'F', 'r', 'o', 'm', ' '};

    private MboxReader() {
    }

    /** Calls {@code sink} once per message, in file order; returns the number of messages. */
    public static int read(InputStream raw, Consumer<byte[]> sink) throws IOException {
        InputStream in = new BufferedInputStream(raw, 64 * 1024);
        ByteArrayOutputStream message = null;
        boolean previousEmpty = true;
        boolean pendingEmpty = false;
        int count = 0;
        ByteArrayOutputStream line = new ByteArrayOutputStream(256);
        while (readLine(in, line)) {
            byte[] l = line.toByteArray();
            boolean isEmpty = l.length == 1 || (l.length == 2 && l[0] == '\r');
            if (previousEmpty && startsWith(l, 0, FROM)) {
                if (message != null) {
                    sink.accept(message.toByteArray());
                    count++;
                }
                message = new ByteArrayOutputStream();
                pendingEmpty = false;
                previousEmpty = false;
                continue;
            }
            if (message == null) {
                if (!isEmpty) {
                    throw new IOException("not an mbox file: it does not start with a 'From ' line");
                }
                continue;
            }
            if (pendingEmpty) {
                message.write('\n');
                pendingEmpty = false;
            }
            if (isEmpty) {
                pendingEmpty = true; // held back: it may be the separator before the next "From "
            } else {
                int gt = 0;
                while (gt < l.length && l[gt] == '>') {
                    gt++;
                }
                int skip = gt > 0 && startsWith(l, gt, FROM) ? 1 : 0;
                message.write(l, skip, l.length - skip);
            }
            previousEmpty = isEmpty;
        }
        if (message != null) {
            sink.accept(message.toByteArray());
            count++;
        }
        return count;
    }

    private static boolean readLine(InputStream in, ByteArrayOutputStream line) throws IOException {
        line.reset();
        int b;
        while ((b = in.read()) >= 0) {
            line.write(b);
            if (b == '\n') {
                return true;
            }
        }
        if (line.size() > 0) {
            line.write('\n');
            return true;
        }
        return false;
    }

    private static boolean startsWith(byte[] l, int offset, byte[] prefix) {
        return l.length - offset >= prefix.length && Arrays.equals(l, offset, offset + prefix.length, prefix, 0, prefix.length);
    }
}
