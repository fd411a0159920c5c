package dev.poplar.cli;

import dev.poplar.storage.MailStore;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
        name = "check",
        description = "Verify a stopped node's store: every message whole, no stray body "
                + "chunks, counters equal to the index. Exit 0 when consistent, 65 when not.")
final class CheckCommand implements Callable<Integer> {
    @Mixin
    ConfigOption config;

    @Option(
            names = "--repair",
            description = "Fix what is found: drop incomplete messages and stray chunks, " + "recompute counters.")
    boolean repair;

    @Override
    public Integer call() throws Exception {
        try (OfflineStore offline = new OfflineStore(config.load(), "check")) {
            // DESIGN invariant 8: the claim made the directory private again; say what was loose.
            for (String loose : offline.claim.tightened()) {
                System.out.println("warning: permissions were looser than poplar.data-dir-mode, tightened: " + loose);
            }
            MailStore store = offline.open(offline.data.store());
            List<String> problems = store.check();
            problems.forEach(p -> System.out.println("problem: " + p));
            if (problems.isEmpty()) {
                System.out.println("store consistent: " + store.accountNames().size() + " accounts checked");
                return 0;
            }
            if (!repair) {
                System.out.println(problems.size() + " problems; run 'poplar check --repair' to fix them");
                return 65;
            }
            store.repair().forEach(a -> System.out.println("repaired: " + a));
            List<String> after = store.check();
            after.forEach(p -> System.out.println("still: " + p));
            System.out.println(after.isEmpty() ? "store consistent after repair" : after.size() + " problems remain");
            return after.isEmpty() ? 0 : 65;
        }
    }
}
