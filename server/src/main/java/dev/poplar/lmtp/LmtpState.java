package dev.poplar.lmtp;

import java.util.List;

/**
 * Where an LMTP session stands (RFC 2033 section 4, RFC 5321 section 3.3): before LHLO, greeted
 * with no transaction, MAIL given, recipients accepted, or reading the DATA section. The
 * transaction's data travels in the state, so there are no nullable fields to forget to reset.
 */
sealed interface LmtpState {
    LmtpState CONNECTED = new Connected();
    LmtpState READY = new Ready();

    /** Before LHLO. */
    record Connected() implements LmtpState {}

    /** After LHLO, between transactions. */
    record Ready() implements LmtpState {}

    /** MAIL FROM accepted; no recipient yet. */
    /** {@code announcedSize}: the SIZE MAIL announced (RFC 1870), 0 when none; quota checks at RCPT use it. */
    record Sender(String sender, long announcedSize) implements LmtpState {}

    /** At least one RCPT accepted: {@code addresses} as given, {@code accounts} they map to. */
    record Recipients(String sender, long announcedSize, List<String> addresses, List<String> accounts)
            implements LmtpState {
        public Recipients {
            addresses = List.copyOf(addresses);
            accounts = List.copyOf(accounts);
        }

        Recipients plus(String address, String account) {
            List<String> a = new java.util.ArrayList<>(addresses);
            a.add(address);
            List<String> b = new java.util.ArrayList<>(accounts);
            b.add(account);
            return new Recipients(sender, announcedSize, a, b);
        }
    }

    /** After 354: the input is the DATA section until its end. */
    record Data(Recipients transaction) implements LmtpState {}
}
