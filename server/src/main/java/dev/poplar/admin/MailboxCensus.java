package dev.poplar.admin;

import dev.poplar.storage.MailboxStats;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;

/**
 * Node-wide totals gathered one mailbox at a time: sums, quota fill counts, and the {@code top}
 * largest mailboxes in a bounded heap, so a million mailboxes cost the memory of {@code top}.
 */
final class MailboxCensus {
    private static final Comparator<MailboxStats> BY_SIZE =
            Comparator.comparingLong(MailboxStats::octets).thenComparing(MailboxStats::name, Comparator.reverseOrder());

    private final int top;
    private final double warningRatio;
    private final PriorityQueue<MailboxStats> largest;
    private long mailboxes;
    private long messages;
    private long octets;
    private long nearlyFull;
    private long full;

    MailboxCensus(int top, double warningRatio) {
        this.top = top;
        this.warningRatio = warningRatio;
        this.largest = new PriorityQueue<>(Math.max(1, top + 1), BY_SIZE);
    }

    /** Counts one mailbox, its limits resolved against the node's defaults. */
    void add(MailboxStats s) {
        mailboxes++;
        messages += s.messages();
        octets += s.octets();
        switch (s.fill(warningRatio)) {
            case FULL -> full++;
            case NEARLY_FULL -> nearlyFull++;
            case ROOM -> {}
        }
        if (top > 0) {
            largest.add(s);
            if (largest.size() > top) {
                largest.poll(); // the smallest of top + 1
            }
        }
    }

    AdminOperations.NodeSummary summary() {
        List<MailboxStats> biggestFirst = new ArrayList<>(largest);
        biggestFirst.sort(BY_SIZE.reversed());
        return new AdminOperations.NodeSummary(mailboxes, messages, octets, nearlyFull, full, biggestFirst);
    }
}
