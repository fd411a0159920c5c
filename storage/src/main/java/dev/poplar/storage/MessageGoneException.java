package dev.poplar.storage;

/** The message was removed by another session. */
public final class MessageGoneException extends StoreException {
    public MessageGoneException(String detail) {
        super(detail, false);
    }
}
