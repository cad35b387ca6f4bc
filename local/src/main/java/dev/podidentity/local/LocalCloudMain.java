package dev.podidentity.local;

import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * Runs the local cloud until interrupted: {@code LocalCloudMain [world.yaml] [state-out.json]}. Prints the
 * environment an AWS SDK or CLI needs to use it; on Ctrl-C writes the state dump (if a path was given) and stops.
 */
public final class LocalCloudMain {
    private LocalCloudMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        Path world = args.length > 0 ? Path.of(args[0]) : LocalWorlds.defaultWorld();
        Path stateOut = args.length > 1 ? Path.of(args[1]) : null;
        LocalCloud cloud = LocalCloud.start(world);
        CountDownLatch stopped = new CountDownLatch(1);
        cloud.moto().handOverShutdown(); // the hook below dumps state first, then closes moto
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                if (stateOut != null) {
                    cloud.writeState(stateOut);
                    System.out.println("state written to " + stateOut.toAbsolutePath());
                }
            } finally {
                cloud.close();
                stopped.countDown();
            }
        }, "local-cloud-stop"));
        System.out.println("local cloud up: world " + world);
        System.out.println("export AWS_ENDPOINT_URL=" + cloud.endpoint());
        System.out.println("export AWS_REGION=" + cloud.region() + " AWS_DEFAULT_REGION=" + cloud.region());
        System.out.println("export AWS_ACCESS_KEY_ID=" + LocalCloud.ACCESS_KEY + " AWS_SECRET_ACCESS_KEY=" + LocalCloud.SECRET_KEY);
        System.out.println("moto " + cloud.motoEndpoint() + " (log " + cloud.moto().logFile() + "); Ctrl-C stops");
        stopped.await();
    }
}
