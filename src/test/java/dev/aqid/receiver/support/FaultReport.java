package dev.aqid.receiver.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;

import org.springframework.jdbc.core.JdbcTemplate;

/**
 * What one fault run did to the deliveries sent through it: sent, acknowledged, stored,
 * enriched, duplicates and lost (acknowledged but not stored, which must be 0). Each run
 * writes its row to {@code target/fault-reports/<fault>.md} and to standard output;
 * {@code bench/faults.sh} gathers the rows into one table.
 */
public record FaultReport(String fault, long sent, long acknowledged, long stored, long enriched, long duplicates,
		long lost, String notes) {

	static final Path DIRECTORY = Path.of("target", "fault-reports");

	public static final String HEADER = """
			| fault | sent | acknowledged | stored | enriched | duplicates | lost | notes |
			|---|---|---|---|---|---|---|---|""";

	/**
	 * Counts, in the database, what became of the deliveries with the given ids.
	 * @param sent every delivery id the sender sent
	 * @param acknowledged the ids answered 2xx
	 */
	public static FaultReport measure(String fault, JdbcTemplate jdbc, Collection<String> sent,
			Collection<String> acknowledged, String notes) {
		String[] sentIds = sent.toArray(String[]::new);
		String[] acknowledgedIds = acknowledged.toArray(String[]::new);
		long stored = count(jdbc, "select count(distinct delivery_id) from events where delivery_id = any(?)", sentIds);
		long rows = count(jdbc, "select count(*) from events where delivery_id = any(?)", sentIds);
		long enriched = count(jdbc,
				"select count(*) from events where delivery_id = any(?) and enrichment_status = 'enriched'", sentIds);
		long acknowledgedAndStored = count(jdbc,
				"select count(distinct delivery_id) from events where delivery_id = any(?)", acknowledgedIds);
		return new FaultReport(fault, sent.size(), acknowledged.size(), stored, enriched, rows - stored,
				acknowledged.size() - acknowledgedAndStored, notes);
	}

	private static long count(JdbcTemplate jdbc, String sql, String[] ids) {
		Long count = jdbc.queryForObject(sql, Long.class, (Object) ids);
		return (count != null) ? count : 0;
	}

	/** The report as one row of the markdown table under {@link #HEADER}. */
	public String row() {
		return "| %s | %d | %d | %d | %d | %d | %d | %s |".formatted(this.fault, this.sent, this.acknowledged,
				this.stored, this.enriched, this.duplicates, this.lost, this.notes.replace("|", "/"));
	}

	/** Prints the row and keeps it under {@code target/fault-reports/}. */
	public FaultReport write() {
		System.out.println(HEADER + System.lineSeparator() + row());
		try {
			Files.createDirectories(DIRECTORY);
			String file = this.fault.replaceAll("[^A-Za-z0-9]+", "-").toLowerCase(java.util.Locale.ROOT) + ".md";
			Files.write(DIRECTORY.resolve(file), List.of(HEADER, row()), StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		return this;
	}

}
