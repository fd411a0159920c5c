package dev.poplar.storage;

/** Account already exists. */
public final class AccountExistsException extends StoreException {
    public AccountExistsException(String detail) {
        super(detail, false);
    }
}
