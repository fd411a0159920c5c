package dev.poplar.io;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;

/**
 * An I/O error in words an operator can act on. The JDK's file exceptions carry only the path as
 * their message ("x.mbox"), which reads like an echo; this says what is wrong with it.
 */
public final class IoErrors {
    private IoErrors() {}

    public static String describe(IOException e) {
        return switch (e) {
            case NoSuchFileException n -> n.getFile() + " does not exist";
            case AccessDeniedException a -> a.getFile() + ": permission denied (check the owner and mode)";
            case FileAlreadyExistsException f -> f.getFile() + " already exists";
            case NotDirectoryException d -> d.getFile() + " is not a directory";
            case DirectoryNotEmptyException d -> d.getFile() + " is not empty";
            case FileSystemException f when f.getReason() != null -> f.getFile() + ": " + f.getReason();
            // java.io's own: "PATH (No such file or directory)"
            case java.io.FileNotFoundException f
            when f.getMessage() != null && f.getMessage().endsWith(" (No such file or directory)") ->
                f.getMessage().substring(0, f.getMessage().length() - " (No such file or directory)".length())
                        + " does not exist";
            default -> e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        };
    }
}
