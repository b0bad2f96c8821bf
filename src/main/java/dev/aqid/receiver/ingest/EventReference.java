package dev.aqid.receiver.ingest;

/**
 * The kinds of Amiqus object an event can refer to, each an id column of the events
 * table.
 */
public enum EventReference {

	RECORD("record_id", "bigint"), CLIENT("client_id", "bigint"), FORM("form_reference", "text"),
	ORGANISATION("organisation_id", "bigint"), CASE("case_id", "bigint");

	private final String column;

	private final String sqlType;

	EventReference(String column, String sqlType) {
		this.column = column;
		this.sqlType = sqlType;
	}

	String column() {
		return this.column;
	}

	String sqlType() {
		return this.sqlType;
	}

}
