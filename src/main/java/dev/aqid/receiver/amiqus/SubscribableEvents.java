package dev.aqid.receiver.amiqus;

import java.util.List;
import java.util.Set;

/**
 * The events a webhook can subscribe to, as Amiqus's API description lists them
 * ({@code WebhookSubscribeEvents}): every alias, and the wildcards {@code *},
 * {@code case.*}, {@code client.*}, {@code form.*} and {@code record.*}, which also cover
 * events Amiqus adds later.
 */
public final class SubscribableEvents {

	/** In the order the API description lists them. */
	public static final List<String> ALL = List.of("*", "case.*", "client.*", "form.*", "record.*", "case.approved",
			"case.archived", "case.created", "case.item_added", "case.item_removed", "case.rejected", "case.status",
			"case.unarchived", "case.updated", "client.archived", "client.created", "client.deleted",
			"client.organisations", "client.record", "client.status", "client.unarchived", "client.updated",
			"client.deletion_reminder_updated", "client.deletion_reminder_deleted", "client.deletion_reminder_due",
			"form.attached", "form.deleted", "form.modified", "form.sent", "form.submitted", "form.updated",
			"record.bounced", "record.created", "record.finished", "record.reviewed", "record.unreviewed",
			"record.updated", "watchlist.updated");

	private static final Set<String> KNOWN = Set.copyOf(ALL);

	private SubscribableEvents() {
	}

	/**
	 * Whether a webhook can subscribe to this event or wildcard.
	 * @param event an alias or wildcard
	 * @return true when Amiqus accepts it in a webhook's {@code events}
	 */
	public static boolean isSubscribable(String event) {
		return KNOWN.contains(event);
	}

}
