package dev.poplar.storage;

/** The maildrop is held by another session. */
public final class MaildropInUseException extends StoreException {
    public MaildropInUseException(String detail) {
        super(detail, true);
    }
}
