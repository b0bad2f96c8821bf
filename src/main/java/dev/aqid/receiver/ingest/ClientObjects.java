package dev.aqid.receiver.ingest;

import java.util.Set;

/**
 * Objects that belong to one client at Amiqus: its records, cases and forms.
 *
 * @param recordIds record ids
 * @param caseIds case ids
 * @param formReferences form references
 */
public record ClientObjects(Set<Long> recordIds, Set<Long> caseIds, Set<String> formReferences) {

	public ClientObjects {
		recordIds = Set.copyOf(recordIds);
		caseIds = Set.copyOf(caseIds);
		formReferences = Set.copyOf(formReferences);
	}

	public static ClientObjects none() {
		return new ClientObjects(Set.of(), Set.of(), Set.of());
	}

}
