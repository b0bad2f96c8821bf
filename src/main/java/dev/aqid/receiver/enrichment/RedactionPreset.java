package dev.aqid.receiver.enrichment;

/**
 * What a snapshot keeps of the object Amiqus returned, before any per-kind pointers drop
 * more ({@code receiver.redaction.preset}).
 */
enum RedactionPreset {

	/**
	 * Everything but capability links: {@code perform_url} (a link that lets its holder
	 * act as the client) and any other field named {@code *_url} or {@code *_link} whose
	 * value is not an Amiqus API address (API addresses need our token; others may be
	 * bearer links). The default.
	 */
	CAPABILITY_LINKS,

	/**
	 * Only ids, statuses, types, dates and references: no names, contact details, dates
	 * of birth, addresses, answers or check details. Capability links go too.
	 */
	IDS_AND_STATUSES,

	/** The object as fetched, capability links included (warned about at start-up). */
	NONE

}
