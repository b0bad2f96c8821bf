package dev.aqid.receiver.enrichment;

import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * What is dropped from each Amiqus object before its snapshot is stored.
 *
 * @param preset what every snapshot keeps: {@code capability-links} (the default: all but
 * capability links such as {@code perform_url}), {@code ids-and-statuses} or {@code none}
 * @param drop per object kind ({@code client}, {@code record}, {@code record-steps},
 * {@code form}, {@code organisation}, {@code case}), JSON pointers of further fields to
 * drop, {@code *} matching every array element or object member, e.g.
 * {@code receiver.redaction.drop.client=/email,/mobile,/dob}
 */
@ConfigurationProperties("receiver.redaction")
record RedactionProperties(@DefaultValue("capability-links") RedactionPreset preset, Map<String, List<String>> drop) {

	RedactionProperties {
		drop = (drop != null) ? Map.copyOf(drop) : Map.of();
		drop.forEach((kind, pointers) -> {
			kind(kind);
			pointers.forEach((pointer) -> pointer(kind, pointer));
		});
	}

	/**
	 * The kind a {@code drop} key names: {@code record-steps}, {@code record_steps} and
	 * {@code record.steps} (as an environment variable binds) are one.
	 * @throws IllegalArgumentException naming the valid kinds
	 */
	static SnapshotKind kind(String key) {
		String normal = key.trim().toLowerCase(Locale.ROOT).replace('-', '_').replace('.', '_');
		for (SnapshotKind kind : SnapshotKind.values()) {
			if (kind.column().equals(normal)) {
				return kind;
			}
		}
		throw new IllegalArgumentException("receiver.redaction.drop." + key
				+ ": unknown object kind; use client, record, record-steps, form, organisation or case");
	}

	static FieldPointer pointer(String kind, String pointer) {
		try {
			return FieldPointer.parse(pointer);
		}
		catch (IllegalArgumentException ex) {
			throw new IllegalArgumentException(
					"receiver.redaction.drop." + kind + ": invalid JSON pointer " + ex.getMessage());
		}
	}

}
