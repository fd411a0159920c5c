package dev.poplar.pop3;

import dev.poplar.net.CloseReason;
import dev.poplar.storage.ChunkReader;
import dev.poplar.storage.Maildrop;
import dev.poplar.storage.MessageGoneException;
import dev.poplar.storage.MessageListing;
import dev.poplar.storage.StoreException;
import java.util.OptionalInt;

/**
 * The TRANSACTION commands of RFC 1939 section 5-7. Every message number goes through
 * {@link Transaction#resolve}; messages marked deleted vanish from STAT, LIST and UIDL.
 */
final class TransactionCommands {
    private final Pop3Meters meters;

    TransactionCommands(Pop3Meters meters) {
        this.meters = meters;
    }

    Reply stat(Transaction tx) {
        return new Reply.Ok(tx.visibleCount() + " " + tx.visibleOctets());
    }

    Reply list(Transaction tx, OptionalInt number) {
        if (number.isPresent()) {
            return switch (tx.resolve(number.getAsInt())) {
                case Transaction.MessageRef.Valid v ->
                    new Reply.Ok(number.getAsInt() + " " + tx.listing().octets(v.index()));
                case Transaction.MessageRef.Invalid i -> i.error();
            };
        }
        MessageListing l = tx.listing();
        return new Reply.MultiLine(tx.visibleCount() + " messages (" + tx.visibleOctets() + " octets)", sink -> {
            for (int i = 0; i < l.size(); i++) {
                if (!tx.isDeleted(i)) {
                    sink.line(i + 1, l.octets(i));
                }
            }
        });
    }

    Reply uidl(Transaction tx, OptionalInt number) {
        if (number.isPresent()) {
            return switch (tx.resolve(number.getAsInt())) {
                case Transaction.MessageRef.Valid v ->
                    new Reply.Ok(number.getAsInt() + " " + tx.listing().uidl(v.index()));
                case Transaction.MessageRef.Invalid i -> i.error();
            };
        }
        MessageListing l = tx.listing();
        byte[] prefix = l.uidlPrefix();
        return new Reply.MultiLine("Unique-ID listing follows", sink -> {
            for (int i = 0; i < l.size(); i++) {
                if (tx.isDeleted(i)) {
                    continue;
                }
                if (l.hasUidlOverride(i)) {
                    sink.line(i + 1, l.uidl(i));
                } else {
                    sink.line(i + 1, prefix, l.uid(i)); // the same string as uidl(i), without building it
                }
            }
        });
    }

    Reply retr(Transaction tx, int number) {
        return message(tx, number, OptionalInt.empty());
    }

    Reply top(Transaction tx, int number, int lines) {
        return message(tx, number, OptionalInt.of(lines));
    }

    private Reply message(Transaction tx, int number, OptionalInt bodyLines) {
        return switch (tx.resolve(number)) {
            case Transaction.MessageRef.Invalid i -> i.error();
            case Transaction.MessageRef.Valid v -> {
                ChunkReader reader;
                try {
                    reader = tx.maildrop().read(v.index());
                } catch (MessageGoneException e) {
                    yield new Reply.Err("Message " + number + " was removed by another session");
                } catch (StoreException e) {
                    yield StoreErrors.reply(e);
                }
                String text = bodyLines.isPresent()
                        ? "Top of message follows"
                        : tx.listing().octets(v.index()) + " octets";
                yield new Reply.Message(text, reader, tx.listing().headerWireLength(v.index()), bodyLines);
            }
        };
    }

    Reply dele(Transaction tx, int number) {
        return switch (tx.resolve(number)) {
            case Transaction.MessageRef.Invalid i -> i.error();
            case Transaction.MessageRef.Valid v -> {
                tx.markDeleted(v.index());
                yield new Reply.Ok("Message " + number + " deleted");
            }
        };
    }

    Reply rset(Transaction tx) {
        tx.unmarkAll();
        return new Reply.Ok("Maildrop has " + tx.visibleCount() + " messages (" + tx.visibleOctets() + " octets)");
    }

    /**
     * QUIT from TRANSACTION enters UPDATE (RFC 1939 section 6): the marked messages are removed
     * in one synced write before +OK. On failure nothing is lost: the messages stay.
     */
    Pop3Step quit(Transaction tx) {
        int marked = tx.deletedCount();
        if (marked == 0) {
            tx.maildrop().close(); // release the lease before +OK: the client may reconnect at once
            return Pop3Step.close(tx, new Reply.Ok("Poplar signing off"), CloseReason.QUIT);
        }
        try (Maildrop drop = tx.maildrop()) {
            drop.commitDeletions(tx.deleted());
            tx.committed();
            meters.deleted(marked, tx.deletedOctets());
            return Pop3Step.close(
                    tx, new Reply.Ok("Poplar signing off, " + marked + " messages deleted"), CloseReason.QUIT);
        } catch (StoreException e) {
            meters.updateFailed();
            return Pop3Step.close(
                    tx,
                    new Reply.Err(
                            e.temporary() ? ResponseCode.SYS_TEMP : ResponseCode.SYS_PERM,
                            "Deleted messages were not removed and are kept; try again later"),
                    CloseReason.UPDATE_FAILED);
        }
    }
}
