package dev.poplar.storage.rocks;

import org.rocksdb.ColumnFamilyHandle;

/** The column families of the store (DESIGN, storage model). */
record ColumnFamilies(
        ColumnFamilyHandle meta,
        ColumnFamilyHandle accounts,
        ColumnFamilyHandle mailboxes,
        ColumnFamilyHandle index,
        ColumnFamilyHandle bodies) {
    static final String ACCOUNTS = "accounts";
    static final String MAILBOXES = "mailboxes";
    static final String INDEX = "index";
    static final String BODIES = "bodies";
}
