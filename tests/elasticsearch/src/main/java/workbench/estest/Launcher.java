package workbench.estest;

import org.elasticsearch.common.logging.LogConfigurator;
import org.elasticsearch.common.settings.Settings;
import org.elasticsearch.env.Environment;
import org.elasticsearch.node.ClasspathPluginNode;
import org.elasticsearch.node.InternalSettingsPreparer;
import org.elasticsearch.node.Node;
import org.elasticsearch.transport.netty4.Netty4Plugin;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Starts one real, single-node Elasticsearch server from the jars published on Maven Central
 * (server + transport-netty4), plus {@link TestSupportPlugin} for the bits of the stock
 * distribution's modules that Maven Central does not carry.
 *
 * <pre>
 * java ... workbench.estest.Launcher [--port 9200] [--dir /path/to/state] [--cluster-name NAME] [--node-name NAME]
 * </pre>
 * Defaults come from ES_PORT, ES_DATA_DIR, ES_CLUSTER_NAME. The node listens on 127.0.0.1 only,
 * with single-node discovery and no security. Under {@code --dir}: {@code home/} (path.home,
 * with an empty {@code config/}), {@code data/} (path.data, kept across restarts), {@code logs/}.
 * SIGTERM / SIGINT close the node cleanly.
 */
public final class Launcher {

    private Launcher() {}

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(env("ES_PORT", "9200"));
        String dir = env("ES_DATA_DIR", null);
        String clusterName = env("ES_CLUSTER_NAME", "evidence-workbench-test");
        String nodeName = "es-test-node";
        for (int i = 0; i < args.length; i++) {
            String value = i + 1 < args.length ? args[i + 1] : null;
            switch (args[i]) {
                case "--port" -> { port = Integer.parseInt(value); i++; }
                case "--dir" -> { dir = value; i++; }
                case "--cluster-name" -> { clusterName = value; i++; }
                case "--node-name" -> { nodeName = value; i++; }
                default -> usage("unknown argument: " + args[i]);
            }
        }
        if (dir == null) {
            usage("no state directory: pass --dir DIR or set ES_DATA_DIR");
        }
        Path base = Path.of(dir).toAbsolutePath().normalize();
        Path home = base.resolve("home");
        Path config = home.resolve("config");
        Path data = base.resolve("data");
        Path logs = base.resolve("logs");
        for (Path p : List.of(config, data, logs)) {
            Files.createDirectories(p);
        }

        Settings settings = Settings.builder()
            .put("path.home", home.toString())
            .put("path.data", data.toString())
            .put("path.logs", logs.toString())
            .put("cluster.name", clusterName)
            .put("node.name", nodeName)
            .put("discovery.type", "single-node")
            .put("network.host", "127.0.0.1")
            .put("http.port", port)
            // CI disks can be fuller than Elasticsearch's 90/95% watermarks; don't let that
            // make indices read-only in the middle of a test run.
            .put("cluster.routing.allocation.disk.threshold_enabled", false)
            .put("action.destructive_requires_name", true)
            .build();

        try (InputStream in = Launcher.class.getResourceAsStream("log4j2.properties")) {
            Files.copy(in, config.resolve("log4j2.properties"), StandardCopyOption.REPLACE_EXISTING);
        }
        String finalNodeName = nodeName;
        Environment environment = InternalSettingsPreparer.prepareEnvironment(settings, Map.of(), config, () -> finalNodeName);
        LogConfigurator.setNodeName(nodeName);
        LogConfigurator.setClusterName(clusterName);
        LogConfigurator.configure(environment, true);
        Node node;
        try {
            node = new ClasspathPluginNode(environment, List.of(Netty4Plugin.class, TestSupportPlugin.class));
        } catch (Throwable t) {
            System.err.println("[es-test-node] failed to create the node: " + t);
            t.printStackTrace();
            System.exit(1);
            return;
        }

        CountDownLatch closed = new CountDownLatch(1);
        Node started = node;
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                System.out.println("[es-test-node] shutting down");
                started.prepareForClose();
                started.close();
                if (started.awaitClose(60, TimeUnit.SECONDS) == false) {
                    System.err.println("[es-test-node] node did not close within 60s");
                }
                System.out.println("[es-test-node] closed");
            } catch (Exception e) {
                System.err.println("[es-test-node] error while closing: " + e);
                e.printStackTrace();
            } finally {
                closed.countDown();
            }
        }, "es-test-node-shutdown"));

        try {
            node.start();
        } catch (Throwable t) {
            System.err.println("[es-test-node] failed to start: " + t);
            t.printStackTrace();
            System.exit(1); // runs the shutdown hook, which closes what was started
            return;
        }
        System.out.println("[es-test-node] started: http://127.0.0.1:" + port + " (data: " + data + ")");
        closed.await(); // keep a non-daemon thread alive; Elasticsearch's own threads are daemons
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }

    private static void usage(String message) {
        System.err.println("[es-test-node] " + message);
        System.err.println("usage: Launcher [--port N] [--dir DIR] [--cluster-name NAME] [--node-name NAME]");
        System.exit(2);
    }
}
