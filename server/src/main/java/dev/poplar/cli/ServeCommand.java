package dev.poplar.cli;

import dev.poplar.config.PoplarConfig;
import dev.poplar.server.PoplarServer;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "serve", description = "Run the server until SIGTERM or SIGINT.")
final class ServeCommand implements Callable<Integer> {
    @Mixin
    ConfigOption config;

    @Override
    public Integer call() throws Exception {
        PoplarConfig cfg = config.load();
        if (cfg.logFormat() == dev.poplar.log.SessionLog.Format.JSON) {
            Logging.useJson();
        }
        PoplarServer server = PoplarServer.start(cfg);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            server.close();
                            stopped.countDown();
                            Logging.shutdown();
                        },
                        "poplar-shutdown"));
        stopped.await();
        return 0;
    }
}
