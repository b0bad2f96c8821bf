/*
 * Writes the pre-signed request files that bench/ingest.lua (run by wrk) sends.
 *
 *   java -cp target/classes bench/SignRequests.java --secret S --count N --files F --out PREFIX
 *        [--duplicates-every D] [--alias A] [--record-ids K [--burst B]]
 *
 * Request i of N (0-based) goes to file PREFIX.(i mod F), so with one file per wrk thread (or
 * connection) the requests keep their global order i across threads. One line per request:
 *
 *   delivery-id TAB attempt TAB signature TAB body
 *
 * The body is a compact (single-line) Amiqus delivery of ~570 bytes, the signature is the base64
 * HMAC-SHA256 of its raw bytes keyed with S (header X-AQID-Signature) from the service's own signer,
 * dev.aqid.receiver.amiqus.AmiqusSignature (so compile and run with target/classes on the class
 * path, as bench/lib.sh does after the build; it needs nothing else), and the delivery id a new
 * random version-4 UUID (X-AQID-Delivery-Id), so every line is a new stored delivery. With
 * --duplicates-every D, every Dth request instead re-sends an earlier one as attempt 2 (a
 * duplicate: 202 "duplicate":true, nothing stored). With --record-ids K, request i refers to
 * record (and client) 1 + (i / B) mod K, of type client, with no case; --alias fixes
 * trigger.alias (default: a random mix). Signing happens here, before wrk starts, so it costs
 * nothing during a measurement.
 */

import java.io.BufferedWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.SplittableRandom;
import java.util.UUID;

import dev.aqid.receiver.amiqus.AmiqusSignature;

public class SignRequests {

	static final String[] ALIASES = { "record.updated", "record.created", "record.status", "client.updated",
			"case.updated", "document.created" };

	static final String[] RECORD_TYPES = { "client", "check", "document", "form" };

	static final String[] FIRST = { "Alice", "Bram", "Chidi", "Dana", "Eoin", "Farah", "Gwen", "Hiro" };

	static final String[] LAST = { "Okafor", "MacLeod", "Nowak", "Silva", "Jones", "Patel", "Berg", "Kaur" };

	static final String[] WEBHOOK_UUIDS = { "9f0c1c6e-8b6a-4f0e-9d3c-2a1b7c5e4d31",
			"1d2e3f40-5a6b-4c7d-8e9f-a0b1c2d3e4f5", "7b3e0d52-11aa-4c2e-b7f0-5e6d7c8b9a01" };

	public static void main(String[] args) throws Exception {
		String secret = null, out = null, alias = null;
		long count = -1;
		int files = 1, duplicatesEvery = 0, recordIds = 0, burst = 1;
		for (int i = 0; i + 1 < args.length; i += 2) {
			String v = args[i + 1];
			switch (args[i]) {
				case "--secret" -> secret = v.split(",", -1)[0];
				case "--count" -> count = Long.parseLong(v);
				case "--files" -> files = Integer.parseInt(v);
				case "--out" -> out = v;
				case "--duplicates-every" -> duplicatesEvery = Integer.parseInt(v);
				case "--alias" -> alias = v;
				case "--record-ids" -> recordIds = Integer.parseInt(v);
				case "--burst" -> burst = Integer.parseInt(v);
				default -> usage("unknown option " + args[i]);
			}
		}
		if (args.length % 2 != 0) {
			usage("options take one value each");
		}
		if (secret == null || secret.isEmpty() || out == null || count < 0 || files < 1) {
			usage("--secret, --out, --count >= 0 and --files >= 1 are required");
		}
		if (duplicatesEvery == 1 || recordIds < 0 || burst < 1
				|| (alias != null && (alias.isBlank() || alias.contains("\"") || alias.contains("\\")))) {
			usage("bad --duplicates-every (>= 2), --record-ids (>= 0), --burst (>= 1) or --alias");
		}

		SplittableRandom r = new SplittableRandom(new SecureRandom().nextLong());
		Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
		BufferedWriter[] w = new BufferedWriter[files];
		for (int f = 0; f < files; f++) {
			w[f] = Files.newBufferedWriter(Path.of(out + "." + f), StandardCharsets.UTF_8);
		}
		// what a duplicate re-sends: an earlier line (not itself a duplicate), kept as text
		String[] originals = duplicatesEvery > 1 ? new String[(int) Math.min(count, 100_000)] : new String[0];
		int kept = 0;
		for (long i = 0; i < count; i++) {
			String line;
			if (duplicatesEvery > 1 && kept > 0 && (i + 1) % duplicatesEvery == 0) {
				String original = originals[r.nextInt(kept)];
				line = original.replaceFirst("\t1\t", "\t2\t");
			}
			else {
				line = delivery(i, r, now, alias, recordIds, burst, secret);
				if (kept < originals.length) {
					originals[kept++] = line;
				}
			}
			BufferedWriter out1 = w[(int) (i % files)];
			out1.write(line);
			out1.write('\n');
		}
		for (BufferedWriter b : w) {
			b.close();
		}
	}

	/** One delivery line, body as IngestLoad (the load generator wrk replaced) rendered it. */
	static String delivery(long index, SplittableRandom r, Instant now, String fixedAlias, int recordIds, int burst,
			String secret) {
		String ts = now.minusSeconds(r.nextInt(3600)).toString();
		String alias = ALIASES[r.nextInt(ALIASES.length)];
		long recordId = 100_000 + r.nextInt(9_000_000);
		long clientId = 10_000 + r.nextInt(900_000);
		String caseJson = r.nextInt(3) == 0
				? "{\"id\":" + (1000 + r.nextInt(90_000)) + ",\"show\":\"https://id.amiqus.co/api/v2/cases/" + recordId
						+ "\"}"
				: "null";
		String recordType = RECORD_TYPES[r.nextInt(RECORD_TYPES.length)];
		if (fixedAlias != null) {
			alias = fixedAlias;
		}
		if (recordIds > 0) {
			recordId = 1 + (index / burst) % recordIds;
			clientId = recordId;
			caseJson = "null";
			recordType = "client";
		}
		String body = "{\"webhook\":{\"uuid\":\"" + WEBHOOK_UUIDS[r.nextInt(WEBHOOK_UUIDS.length)]
				+ "\",\"created_at\":\"" + ts + "\",\"events\":[\"" + alias + "\"]},\"trigger\":{\"triggered_at\":\""
				+ ts + "\",\"alias\":\"" + alias + "\"},\"data\":{\"record\":{\"id\":" + recordId + ",\"type\":\""
				+ recordType + "\",\"status\":\"complete\",\"show\":\"https://id.amiqus.co/api/v2/records/"
				+ recordId + "\",\"download\":\"https://id.amiqus.co/api/v2/records/" + recordId
				+ "/download\"},\"client\":{\"id\":" + clientId + ",\"name\":{\"first_name\":\""
				+ FIRST[r.nextInt(FIRST.length)] + "\",\"last_name\":\"" + LAST[r.nextInt(LAST.length)]
				+ "\"},\"show\":\"https://id.amiqus.co/api/v2/clients/" + clientId + "\"},\"case\":" + caseJson
				+ "}}";
		String signature = AmiqusSignature.sign(secret, body.getBytes(StandardCharsets.UTF_8));
		String id = new UUID(r.nextLong(), r.nextLong()).toString();
		// a valid version-4 UUID string
		id = id.substring(0, 14) + "4" + id.substring(15, 19) + "89ab".charAt(r.nextInt(4)) + id.substring(20);
		return id + "\t1\t" + signature + "\t" + body;
	}

	static void usage(String msg) {
		System.err.println("error: " + msg);
		System.err.println("usage: java -cp target/classes bench/SignRequests.java --secret S --count N --files F --out PREFIX"
				+ " [--duplicates-every D] [--alias A] [--record-ids K [--burst B]]");
		System.exit(2);
	}

}
