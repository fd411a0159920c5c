package dev.poplar.storage;

/** No such account. */
public final class NoSuchAccountException extends StoreException {
    public NoSuchAccountException(String detail) {
        super(detail, false);
    }
}
