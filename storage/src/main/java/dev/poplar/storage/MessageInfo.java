package dev.poplar.storage;

/** One message of a listing, as a value (for the admin API and tests; sessions use the arrays). */
public record MessageInfo(long uid, long octets, long wireLength, long headerWireLength, String uidl) {
}
