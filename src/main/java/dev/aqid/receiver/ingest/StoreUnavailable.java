package dev.aqid.receiver.ingest;

/**
 * The delivery could not be stored durably (database down, overloaded or refusing the
 * row). The caller must not acknowledge it; Amiqus will deliver it again.
 */
public class StoreUnavailable extends RuntimeException {

	StoreUnavailable(String message, Throwable cause) {
		super(message, cause);
	}

}
