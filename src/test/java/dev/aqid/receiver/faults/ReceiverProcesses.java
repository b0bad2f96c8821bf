package dev.aqid.receiver.faults;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import dev.aqid.receiver.ReceiverApplication;
import dev.aqid.receiver.support.WebhookClient;

/**
 * Instances of the service, each in a JVM of its own, one after the other on one data
 * directory (so one embedded PostgreSQL): a fault test kills one with SIGKILL and starts
 * the next on what it left. Each instance logs to {@code instance-N.log} in the data
 * directory. {@link #close()} kills what still runs and stops the embedded PostgreSQL the
 * last instance left behind.
 */
final class ReceiverProcesses implements AutoCloseable {

	private final Path dataDir;

	private final List<Process> instances = new ArrayList<>();

	private final List<Path> logs = new ArrayList<>();

	ReceiverProcesses(Path dataDir) {
		this.dataDir = dataDir;
	}

	/**
	 * Starts an instance on the data directory that accepts deliveries signed with
	 * {@link WebhookClient#SECRET}.
	 * @param arguments further Spring arguments ({@code --name=value})
	 * @param environment further environment variables, as an operator would set them
	 */
	Process start(int port, int databasePort, List<String> arguments, Map<String, String> environment)
			throws IOException {
		Path log = this.dataDir.resolve("instance-" + (this.instances.size() + 1) + ".log");
		List<String> command = new ArrayList<>();
		command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
		command.add("-Xmx512m");
		// The machine running the tests may be small and busy: spend less CPU on JIT.
		command.add("-XX:TieredStopAtLevel=1");
		command.add("-cp");
		command.add(System.getProperty("java.class.path"));
		command.add(ReceiverApplication.class.getName());
		command.add("--server.port=" + port);
		command.add("--receiver.data-dir=" + this.dataDir);
		command.add("--receiver.embedded-db-port=" + databasePort);
		command.add("--amiqus.webhook.secrets=" + WebhookClient.SECRET);
		command.addAll(arguments);
		ProcessBuilder builder = new ProcessBuilder(command);
		builder.environment().putAll(environment);
		Process process = builder.redirectErrorStream(true).redirectOutput(log.toFile()).start();
		this.instances.add(process);
		this.logs.add(log);
		return process;
	}

	/** Each instance's log, in start order. */
	List<Path> logs() {
		return List.copyOf(this.logs);
	}

	/**
	 * Copies the logs where they outlive the data directory, for a look after a failure.
	 */
	void keepLogsIn(Path directory) throws IOException {
		Files.createDirectories(directory);
		for (Path log : this.logs) {
			if (Files.exists(log)) {
				Files.copy(log, directory.resolve(log.getFileName()), StandardCopyOption.REPLACE_EXISTING);
			}
		}
	}

	@Override
	public void close() throws Exception {
		for (Process instance : this.instances) {
			instance.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
		}
		Path pidFile = this.dataDir.resolve("pg/postmaster.pid");
		if (Files.exists(pidFile)) {
			List<String> lines = Files.readAllLines(pidFile);
			if (!lines.isEmpty()) {
				ProcessHandle.of(Long.parseLong(lines.get(0).trim())).ifPresent((postmaster) -> {
					postmaster.destroy();
					postmaster.onExit().orTimeout(30, TimeUnit.SECONDS).join();
				});
			}
		}
	}

}
