package dev.aqid.receiver.amiqus;

/**
 * No answer from Amiqus: connection refused or reset, connect or read timeout, DNS or TLS
 * failure, or another I/O error. {@link #status()} is 0.
 */
public class AmiqusUnreachable extends AmiqusApiException {

	AmiqusUnreachable(String operation, Throwable cause) {
		super(operation, 0, describe(cause), cause);
	}

	@Override
	public boolean isTransient() {
		return true;
	}

	/**
	 * The kind of failure: the cause's own message may name hosts and paths, which are
	 * fine, but is kept on the cause rather than repeated.
	 */
	private static String describe(Throwable cause) {
		Throwable root = cause;
		while (root.getCause() != null && root.getCause() != root) {
			root = root.getCause();
		}
		return "no response (" + root.getClass().getSimpleName() + ")";
	}

}
