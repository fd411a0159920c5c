package dev.poplar.lmtp;

/** Who is delivering: the session id and the client's address, for the logs. */
record LmtpPeer(String sessionId, String clientAddress) {}
