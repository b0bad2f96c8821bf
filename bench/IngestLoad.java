/*
 * Ingest load generator for the Amiqus webhook receiver.
 *
 * Single-file Java 17 program, no dependencies. Run it in its own JVM:
 *
 *   java bench/IngestLoad.java --url http://127.0.0.1:8080/webhooks/amiqus --secret s3cret \
 *        --concurrency 32 --duration 30s --warmup 5s            (closed loop)
 *   java bench/IngestLoad.java --url ... --secret ... --rate 1000 --duration 30s   (open loop)
 *   java bench/IngestLoad.java --url ... --secret ... --alias record.updated --record-ids 20 \
 *        --burst 40 --count 800 --rate 400 --warmup 0 --duration 60s   (fixed entities, bursts)
 *
 * Plain blocking sockets, HTTP/1.1 keep-alive, one connection per worker thread. Every
 * request (headers + body + HMAC signature) is rendered to bytes before the timed phase.
 * In open-loop mode latency is measured from each request's intended send time, so a
 * stalled server shows up as queueing delay instead of being hidden (coordinated omission).
 *
 * Prints a human-readable summary and one machine-readable line starting with "RESULT ".
 * Exit status: 0 when every answer (warm-up included) was 202 and no I/O error happened,
 * 1 otherwise, 2 on bad usage.
 */

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

public class IngestLoad {

	// ------------------------------------------------------------------ options

	static final class Options {

		String url = "http://127.0.0.1:8080/webhooks/amiqus";

		String secret;

		int concurrency = 0;

		double rate = 0;

		long durationNs = seconds(30);

		long warmupNs = seconds(5);

		int duplicatesEvery = 0;

		int connections = 0;

		int timeoutMs = 10_000;

		long prepared = -1;

		String label = "";

		long watchPid = -1;

		long watchDbPid = -1;

		long drainNs = seconds(10);

		/** Every delivery's trigger.alias; null: a random mix (the default). */
		String alias;

		/** > 0: record and client id 1 + (i / burst) mod recordIds, type client, no case. */
		int recordIds = 0;

		int burst = 1;

		/** >= 0: stop after this many requests (warm-up included). */
		long count = -1;

		boolean open() {
			return this.rate > 0;
		}

	}

	static long seconds(double s) {
		return (long) (s * 1_000_000_000L);
	}

	static long parseDuration(String v) {
		String s = v.trim().toLowerCase(Locale.ROOT);
		double mult = 1e9;
		if (s.endsWith("ms")) {
			mult = 1e6;
			s = s.substring(0, s.length() - 2);
		}
		else if (s.endsWith("s")) {
			s = s.substring(0, s.length() - 1);
		}
		else if (s.endsWith("m")) {
			mult = 60e9;
			s = s.substring(0, s.length() - 1);
		}
		return (long) (Double.parseDouble(s) * mult);
	}

	static void usage(String msg) {
		if (msg != null) {
			System.err.println("error: " + msg);
		}
		System.err.println("""
				usage: java bench/IngestLoad.java --secret SECRET [options]
				  --url URL               endpoint (default http://127.0.0.1:8080/webhooks/amiqus)
				  --secret S              HMAC secret (first of a comma-separated list is used)
				  --concurrency C         closed loop: C connections sending back-to-back
				  --rate R                open loop: R requests/s at constant intended send times
				  --connections N         open loop connection pool size (default max(64, R/20))
				  --duration 30s          measured phase (units: ms, s, m; bare number = seconds)
				  --warmup 5s             unmeasured phase before it (same load)
				  --duplicates-every N    every Nth request re-sends an earlier delivery (attempt 2)
				  --timeout 10s           socket connect/read timeout
				  --drain 10s             open loop: how long after the end requests still queued in
				                          the client may be sent; the rest count as unsent and as
				                          infinitely slow in the percentiles
				  --prepared N            number of requests to pre-sign (default: sized from mode)
				  --label TEXT            copied into the RESULT line
				  --watch-pid PID         also report the CPU used by PID (the service) and
				  --watch-db-pid PID      by PID and its descendants (a local postmaster and its backends)
				  --alias A               every delivery has trigger.alias A (default: a random mix)
				  --record-ids K          request i refers to record (and client) 1 + (i / B) mod K, record
				                          type client, case null (default: random ids up to 9 million)
				  --burst B               with --record-ids: B consecutive requests per record (default 1)
				  --count N               send N requests in all (warm-up included), then stop; the run
				                          ends when they are answered or --duration is over, whichever is
				                          first, and throughput is over the time actually taken
				""");
		System.exit(2);
	}

	static Options parse(String[] args) {
		Options o = new Options();
		for (int i = 0; i < args.length; i++) {
			String a = args[i];
			String v = null;
			int eq = a.indexOf('=');
			if (a.startsWith("--") && eq > 0) {
				v = a.substring(eq + 1);
				a = a.substring(0, eq);
			}
			if (a.equals("-h") || a.equals("--help")) {
				usage(null);
			}
			if (v == null) {
				if (i + 1 >= args.length) {
					usage("missing value for " + a);
				}
				v = args[++i];
			}
			try {
				switch (a) {
					case "--url" -> o.url = v;
					case "--secret" -> o.secret = v.split(",", -1)[0];
					case "--concurrency", "-c" -> o.concurrency = Integer.parseInt(v);
					case "--rate", "-r" -> o.rate = Double.parseDouble(v);
					case "--connections" -> o.connections = Integer.parseInt(v);
					case "--duration", "-d" -> o.durationNs = parseDuration(v);
					case "--warmup" -> o.warmupNs = parseDuration(v);
					case "--duplicates-every" -> o.duplicatesEvery = Integer.parseInt(v);
					case "--timeout" -> o.timeoutMs = (int) (parseDuration(v) / 1_000_000L);
					case "--prepared" -> o.prepared = Long.parseLong(v);
					case "--label" -> o.label = v.replaceAll("\\s+", "_");
					case "--watch-pid" -> o.watchPid = Long.parseLong(v);
					case "--watch-db-pid" -> o.watchDbPid = Long.parseLong(v);
					case "--drain" -> o.drainNs = parseDuration(v);
					case "--alias" -> o.alias = v;
					case "--record-ids" -> o.recordIds = Integer.parseInt(v);
					case "--burst" -> o.burst = Integer.parseInt(v);
					case "--count" -> o.count = Long.parseLong(v);
					default -> usage("unknown option " + a);
				}
			}
			catch (NumberFormatException ex) {
				usage("bad value for " + a + ": " + v);
			}
		}
		if (o.secret == null || o.secret.isEmpty()) {
			usage("--secret is required");
		}
		if (o.rate > 0 && o.concurrency > 0) {
			usage("use either --concurrency (closed loop) or --rate (open loop)");
		}
		if (o.rate <= 0 && o.concurrency <= 0) {
			o.concurrency = 32;
		}
		if (o.open() && o.connections <= 0) {
			o.connections = (int) Math.max(64, Math.ceil(o.rate / 20));
		}
		if (o.durationNs <= 0 || o.warmupNs < 0) {
			usage("duration must be > 0 and warmup >= 0");
		}
		if (o.duplicatesEvery == 1) {
			usage("--duplicates-every must be >= 2");
		}
		if (o.recordIds < 0 || o.burst < 1) {
			usage("--record-ids must be >= 0 and --burst >= 1");
		}
		if (o.alias != null && (o.alias.isBlank() || o.alias.contains("\"") || o.alias.contains("\\"))) {
			usage("--alias must be a plain event alias");
		}
		return o;
	}

	// ------------------------------------------------------------------ requests

	static final String[] ALIASES = { "record.updated", "record.created", "record.status", "client.updated",
			"case.updated", "document.created" };

	static final String[] RECORD_TYPES = { "client", "check", "document", "form" };

	static final String[] FIRST = { "Alice", "Bram", "Chidi", "Dana", "Eoin", "Farah", "Gwen", "Hiro" };

	static final String[] LAST = { "Okafor", "MacLeod", "Nowak", "Silva", "Jones", "Patel", "Berg", "Kaur" };

	static final String[] WEBHOOK_UUIDS = { "9f0c1c6e-8b6a-4f0e-9d3c-2a1b7c5e4d31",
			"1d2e3f40-5a6b-4c7d-8e9f-a0b1c2d3e4f5", "7b3e0d52-11aa-4c2e-b7f0-5e6d7c8b9a01" };

	/** Renders signed deliveries. One instance per thread (Mac is not thread-safe). */
	static final class Signer {

		final Mac mac;

		final SplittableRandom rnd;

		final byte[] head;

		final Options o;

		Signer(Options o, String hostHeader, String path, long seed) throws Exception {
			this.o = o;
			this.mac = Mac.getInstance("HmacSHA256");
			this.mac.init(new SecretKeySpec(o.secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
			this.rnd = new SplittableRandom(seed);
			this.head = ("POST " + path + " HTTP/1.1\r\nHost: " + hostHeader
					+ "\r\nUser-Agent: IngestLoad/1\r\nContent-Type: application/json\r\nX-AQID-Delivery-Attempt: ")
				.getBytes(StandardCharsets.US_ASCII);
		}

		/** The delivery for request number index (index only matters with --record-ids). */
		Delivery next(long index) {
			SplittableRandom r = this.rnd;
			String ts = Instant.now().truncatedTo(ChronoUnit.SECONDS).minusSeconds(r.nextInt(3600)).toString();
			String alias = ALIASES[r.nextInt(ALIASES.length)];
			long recordId = 100_000 + r.nextInt(9_000_000);
			long clientId = 10_000 + r.nextInt(900_000);
			String caseJson = r.nextInt(3) == 0
					? "{\"id\":" + (1000 + r.nextInt(90_000)) + ",\"show\":\"https://id.amiqus.co/api/v2/cases/"
							+ recordId + "\"}"
					: "null";
			String recordType = RECORD_TYPES[r.nextInt(RECORD_TYPES.length)];
			if (this.o.alias != null) {
				alias = this.o.alias;
			}
			if (this.o.recordIds > 0) {
				recordId = 1 + (index / this.o.burst) % this.o.recordIds;
				clientId = recordId;
				caseJson = "null";
				recordType = "client";
			}
			StringBuilder b = new StringBuilder(640);
			b.append("{\"webhook\":{\"uuid\":\"")
				.append(WEBHOOK_UUIDS[r.nextInt(WEBHOOK_UUIDS.length)])
				.append("\",\"created_at\":\"")
				.append(ts)
				.append("\",\"events\":[\"")
				.append(alias)
				.append("\"]},\"trigger\":{\"triggered_at\":\"")
				.append(ts)
				.append("\",\"alias\":\"")
				.append(alias)
				.append("\"},\"data\":{\"record\":{\"id\":")
				.append(recordId)
				.append(",\"type\":\"")
				.append(recordType)
				.append("\",\"status\":\"complete\",\"show\":\"https://id.amiqus.co/api/v2/records/")
				.append(recordId)
				.append("\",\"download\":\"https://id.amiqus.co/api/v2/records/")
				.append(recordId)
				.append("/download\"},\"client\":{\"id\":")
				.append(clientId)
				.append(",\"name\":{\"first_name\":\"")
				.append(FIRST[r.nextInt(FIRST.length)])
				.append("\",\"last_name\":\"")
				.append(LAST[r.nextInt(LAST.length)])
				.append("\"},\"show\":\"https://id.amiqus.co/api/v2/clients/")
				.append(clientId)
				.append("\"},\"case\":")
				.append(caseJson)
				.append("}}");
			byte[] body = b.toString().getBytes(StandardCharsets.UTF_8);
			String sig = Base64.getEncoder().encodeToString(this.mac.doFinal(body));
			String id = new UUID(r.nextLong(), r.nextLong()).toString();
			// make it a valid version-4 UUID string
			id = id.substring(0, 14) + "4" + id.substring(15, 19) + "89ab".charAt(r.nextInt(4)) + id.substring(20);
			return new Delivery(id, body, sig);
		}

		byte[] render(Delivery d, int attempt) {
			byte[] tail = (attempt + "\r\nX-AQID-Delivery-Id: " + d.id + "\r\nX-AQID-Signature: " + d.signature
					+ "\r\nContent-Length: " + d.body.length + "\r\n\r\n")
				.getBytes(StandardCharsets.US_ASCII);
			byte[] out = new byte[this.head.length + tail.length + d.body.length];
			System.arraycopy(this.head, 0, out, 0, this.head.length);
			System.arraycopy(tail, 0, out, this.head.length, tail.length);
			System.arraycopy(d.body, 0, out, this.head.length + tail.length, d.body.length);
			return out;
		}

	}

	record Delivery(String id, byte[] body, String signature) {
	}

	/**
	 * Source of wire requests by sequence number. Pre-rendered up to prepared.length; past
	 * that (closed loop faster than expected) requests are signed inline and counted.
	 */
	static final class Requests {

		final byte[][] prepared;

		final Delivery[] deliveries;

		final boolean[] duplicate;

		final Options o;

		final LongAdder inline = new LongAdder();

		final ThreadLocal<Signer> inlineSigner;

		final AtomicLong seeds = new AtomicLong(1_000_003);

		Requests(Options o, String host, String path, int n) throws Exception {
			this.o = o;
			this.prepared = new byte[n][];
			this.deliveries = new Delivery[n];
			this.duplicate = new boolean[n];
			Signer s = new Signer(o, host, path, System.nanoTime());
			SplittableRandom pick = new SplittableRandom(42);
			for (int i = 0; i < n; i++) {
				if (o.duplicatesEvery > 1 && i > 0 && (i + 1) % o.duplicatesEvery == 0) {
					int j;
					do {
						j = pick.nextInt(i);
					}
					while (this.duplicate[j]);
					this.deliveries[i] = this.deliveries[j];
					this.duplicate[i] = true;
					this.prepared[i] = s.render(this.deliveries[j], 2);
				}
				else {
					this.deliveries[i] = s.next(i);
					this.prepared[i] = s.render(this.deliveries[i], 1);
				}
			}
			long base = System.nanoTime();
			this.inlineSigner = ThreadLocal.withInitial(() -> {
				try {
					return new Signer(o, host, path, base ^ this.seeds.incrementAndGet() * 0x9E3779B97F4A7C15L);
				}
				catch (Exception ex) {
					throw new IllegalStateException(ex);
				}
			});
		}

		byte[] get(long seq) {
			if (seq < this.prepared.length) {
				return this.prepared[(int) seq];
			}
			this.inline.increment();
			Signer s = this.inlineSigner.get();
			if (this.o.duplicatesEvery > 1 && (seq + 1) % this.o.duplicatesEvery == 0 && this.prepared.length > 0) {
				int j = s.rnd.nextInt(this.prepared.length);
				while (this.duplicate[j]) {
					j = s.rnd.nextInt(this.prepared.length);
				}
				return s.render(this.deliveries[j], 2);
			}
			return s.render(s.next(seq), 1);
		}

	}

	// ------------------------------------------------------------------ HTTP/1.1 client

	static final class Response {

		int status;

		boolean duplicate;

		boolean close;

		int bodyLength;

		final byte[] body = new byte[4096];

		String bodyText() {
			return new String(this.body, 0, Math.min(this.bodyLength, this.body.length), StandardCharsets.UTF_8);
		}

	}

	static final class Conn {

		final InetSocketAddress addr;

		final int timeoutMs;

		Socket socket;

		InputStream in;

		OutputStream out;

		final byte[] buf = new byte[16384];

		int pos;

		int lim;

		long used;

		long connects;

		final StringBuilder line = new StringBuilder(128);

		Conn(InetSocketAddress addr, int timeoutMs) {
			this.addr = addr;
			this.timeoutMs = timeoutMs;
		}

		void connect() throws IOException {
			close();
			Socket s = new Socket();
			s.setTcpNoDelay(true);
			s.setKeepAlive(true);
			s.connect(this.addr, this.timeoutMs);
			s.setSoTimeout(this.timeoutMs);
			this.socket = s;
			this.in = s.getInputStream();
			this.out = s.getOutputStream();
			this.pos = 0;
			this.lim = 0;
			this.used = 0;
			this.connects++;
		}

		void close() {
			if (this.socket != null) {
				try {
					this.socket.close();
				}
				catch (IOException ignored) {
				}
				this.socket = null;
			}
		}

		/** Sends one request and reads the whole answer. Retries once on a stale keep-alive. */
		void exchange(byte[] req, Response r) throws IOException {
			if (this.socket == null) {
				connect();
			}
			boolean reused = this.used > 0;
			try {
				this.out.write(req);
				this.out.flush();
				readResponse(r);
			}
			catch (StaleConnection ex) {
				if (!reused) {
					throw new IOException("connection closed before any answer");
				}
				// The server closed an idle keep-alive connection: no byte of an answer
				// arrived, so send the same (idempotent by delivery id) request again.
				connect();
				this.out.write(req);
				this.out.flush();
				readResponse(r);
			}
			this.used++;
			if (r.close) {
				close();
			}
		}

		int read() throws IOException {
			if (this.pos >= this.lim) {
				int n = this.in.read(this.buf, 0, this.buf.length);
				if (n <= 0) {
					return -1;
				}
				this.pos = 0;
				this.lim = n;
			}
			return this.buf[this.pos++] & 0xff;
		}

		/** Reads a CRLF (or LF) terminated line into this.line; false at EOF before any byte. */
		boolean readLine() throws IOException {
			this.line.setLength(0);
			int c;
			boolean any = false;
			while ((c = read()) != -1) {
				any = true;
				if (c == '\n') {
					int l = this.line.length();
					if (l > 0 && this.line.charAt(l - 1) == '\r') {
						this.line.setLength(l - 1);
					}
					return true;
				}
				if (this.line.length() > 65536) {
					throw new IOException("header line too long");
				}
				this.line.append((char) c);
			}
			if (!any) {
				return false;
			}
			throw new IOException("EOF inside a header line");
		}

		void readResponse(Response r) throws IOException {
			r.status = 0;
			r.duplicate = false;
			r.close = false;
			r.bodyLength = 0;
			while (true) {
				if (!readLine()) {
					throw new StaleConnection();
				}
				String status = this.line.toString();
				if (!status.startsWith("HTTP/1.") || status.length() < 12) {
					throw new IOException("bad status line: " + status);
				}
				r.status = Integer.parseInt(status.substring(9, 12));
				boolean http10 = status.startsWith("HTTP/1.0");
				long contentLength = -1;
				boolean chunked = false;
				boolean keepAlive = false;
				while (true) {
					if (!readLine()) {
						throw new IOException("EOF in headers");
					}
					if (this.line.length() == 0) {
						break;
					}
					int colon = this.line.indexOf(":");
					if (colon <= 0) {
						continue;
					}
					String name = this.line.substring(0, colon).trim().toLowerCase(Locale.ROOT);
					String value = this.line.substring(colon + 1).trim().toLowerCase(Locale.ROOT);
					switch (name) {
						case "content-length" -> contentLength = Long.parseLong(value);
						case "transfer-encoding" -> chunked = value.contains("chunked");
						case "connection" -> {
							if (value.contains("close")) {
								r.close = true;
							}
							if (value.contains("keep-alive")) {
								keepAlive = true;
							}
						}
						default -> {
						}
					}
				}
				if (http10 && !keepAlive) {
					r.close = true;
				}
				if (r.status >= 100 && r.status < 200) {
					continue; // interim answer, the final one follows
				}
				if (r.status == 204 || r.status == 304) {
					break;
				}
				if (chunked) {
					while (true) {
						if (!readLine()) {
							throw new IOException("EOF in chunked body");
						}
						String sz = this.line.toString();
						int semi = sz.indexOf(';');
						if (semi >= 0) {
							sz = sz.substring(0, semi);
						}
						long n = Long.parseLong(sz.trim(), 16);
						if (n == 0) {
							// trailers until the empty line
							do {
								if (!readLine()) {
									throw new IOException("EOF in chunked trailer");
								}
							}
							while (this.line.length() > 0);
							break;
						}
						readBody(r, n);
						if (!readLine() || this.line.length() != 0) {
							throw new IOException("bad chunk terminator");
						}
					}
				}
				else if (contentLength >= 0) {
					readBody(r, contentLength);
				}
				else {
					// no framing: body runs until the server closes
					r.close = true;
					int c;
					while ((c = read()) != -1) {
						if (r.bodyLength < r.body.length) {
							r.body[r.bodyLength] = (byte) c;
						}
						r.bodyLength++;
					}
				}
				break;
			}
			if (r.status == 202 || r.status == 200) {
				r.duplicate = isDuplicate(r);
			}
		}

		void readBody(Response r, long n) throws IOException {
			for (long i = 0; i < n; i++) {
				int c = read();
				if (c == -1) {
					throw new IOException("EOF in body");
				}
				if (r.bodyLength < r.body.length) {
					r.body[r.bodyLength] = (byte) c;
				}
				r.bodyLength++;
			}
		}

		static boolean isDuplicate(Response r) {
			byte[] b = r.body;
			int len = Math.min(r.bodyLength, b.length);
			byte[] key = "\"duplicate\"".getBytes(StandardCharsets.US_ASCII);
			outer: for (int i = 0; i + key.length <= len; i++) {
				for (int k = 0; k < key.length; k++) {
					if (b[i + k] != key[k]) {
						continue outer;
					}
				}
				int j = i + key.length;
				while (j < len && (b[j] == ' ' || b[j] == ':' || b[j] == '\t')) {
					j++;
				}
				return j < len && b[j] == 't';
			}
			return false;
		}

	}

	static final class StaleConnection extends IOException {

		StaleConnection() {
			super("connection closed by peer before the answer");
		}

	}

	// ------------------------------------------------------------------ stats

	static final class LongList {

		long[] a = new long[1 << 14];

		int n;

		void add(long v) {
			if (this.n == this.a.length) {
				this.a = Arrays.copyOf(this.a, this.a.length * 2);
			}
			this.a[this.n++] = v;
		}

	}

	/** Per-worker counters, merged at the end (no contention in the hot path). */
	static final class Stats {

		final LongList latencies = new LongList();

		long sent;

		long acked;

		long ackedNew;

		long ackedDup;

		long errors;

		long lateSends;

		final TreeMap<Integer, Long> statuses = new TreeMap<>();

		final TreeMap<String, Long> errorKinds = new TreeMap<>();

		void merge(Stats s) {
			for (int i = 0; i < s.latencies.n; i++) {
				this.latencies.add(s.latencies.a[i]);
			}
			this.sent += s.sent;
			this.acked += s.acked;
			this.ackedNew += s.ackedNew;
			this.ackedDup += s.ackedDup;
			this.errors += s.errors;
			this.lateSends += s.lateSends;
			s.statuses.forEach((k, v) -> this.statuses.merge(k, v, Long::sum));
			s.errorKinds.forEach((k, v) -> this.errorKinds.merge(k, v, Long::sum));
		}

		long non202() {
			long n = 0;
			for (Map.Entry<Integer, Long> e : this.statuses.entrySet()) {
				if (e.getKey() != 202) {
					n += e.getValue();
				}
			}
			return n;
		}

	}

	/** Set when the run overstays its time: workers stop sending. */
	static volatile boolean STOP;

	static final Map<Integer, String> SAMPLE_BODIES = new ConcurrentHashMap<>();

	static final Map<String, String> SAMPLE_ERRORS = new ConcurrentHashMap<>();

	static final class Worker implements Runnable {

		final Stats measured = new Stats();

		final Stats warm = new Stats();

		final Conn conn;

		final Response resp = new Response();

		final Options o;

		final Requests reqs;

		final AtomicLong seq;

		final long startNs;

		final long warmEndNs;

		final long endNs;

		final CountDownLatch done;

		/** 202 answers that arrived inside the measured window, whatever their send time. */
		long ackedInWindow;

		Worker(Options o, Requests reqs, AtomicLong seq, Conn conn, long startNs, CountDownLatch done) {
			this.o = o;
			this.reqs = reqs;
			this.seq = seq;
			this.conn = conn;
			this.startNs = startNs;
			this.warmEndNs = startNs + o.warmupNs;
			this.endNs = this.warmEndNs + o.durationNs;
			this.done = done;
		}

		@Override
		public void run() {
			try {
				if (this.o.open()) {
					runOpen();
				}
				else {
					runClosed();
				}
			}
			finally {
				this.conn.close();
				this.done.countDown();
			}
		}

		void waitUntil(long t) {
			long now;
			while ((now = System.nanoTime()) < t) {
				LockSupport.parkNanos(t - now);
			}
		}

		void runClosed() {
			waitUntil(this.startNs);
			while (true) {
				long t0 = System.nanoTime();
				if (t0 >= this.endNs || STOP) {
					return;
				}
				long s = this.seq.getAndIncrement();
				if (this.o.count >= 0 && s >= this.o.count) {
					return;
				}
				one(this.reqs.get(s), t0, t0 >= this.warmEndNs ? this.measured : this.warm);
			}
		}

		void runOpen() {
			double intervalNs = 1e9 / this.o.rate;
			while (true) {
				long s = this.seq.getAndIncrement();
				long intended = this.startNs + (long) (s * intervalNs);
				if (intended >= this.endNs || (this.o.count >= 0 && s >= this.o.count)) {
					return;
				}
				byte[] req = this.reqs.get(s);
				waitUntil(intended);
				long now = System.nanoTime();
				if (now > this.endNs + this.o.drainNs || STOP) {
					return; // the service is far behind: leave the backlog unsent
				}
				Stats st = intended >= this.warmEndNs ? this.measured : this.warm;
				if (now - intended > 1_000_000L) {
					st.lateSends++; // all connections busy (or client starved): queued in the client
				}
				one(req, intended, st);
			}
		}

		void one(byte[] req, long fromNs, Stats st) {
			st.sent++;
			try {
				this.conn.exchange(req, this.resp);
				long lat = System.nanoTime() - fromNs;
				int code = this.resp.status;
				st.statuses.merge(code, 1L, Long::sum);
				st.latencies.add(lat);
				if (code == 202) {
					long t1 = fromNs + lat;
					if (t1 >= this.warmEndNs && t1 < this.endNs) {
						this.ackedInWindow++;
					}
					st.acked++;
					if (this.resp.duplicate) {
						st.ackedDup++;
					}
					else {
						st.ackedNew++;
					}
				}
				else {
					SAMPLE_BODIES.putIfAbsent(code, this.resp.bodyText());
				}
			}
			catch (IOException | RuntimeException ex) {
				this.conn.close();
				st.errors++;
				String kind = ex.getClass().getSimpleName();
				st.errorKinds.merge(kind, 1L, Long::sum);
				SAMPLE_ERRORS.putIfAbsent(kind, String.valueOf(ex.getMessage()));
				LockSupport.parkNanos(5_000_000L); // do not spin when the server is gone
			}
		}

	}

	// ------------------------------------------------------------------ CPU accounting (Linux /proc)

	/** CPU time snapshot: this JVM, the watched process, its process tree, the machine. */
	static final class CpuSample {

		static final double TICK_NS = 1e9 / 100; // USER_HZ is 100 on Linux

		long wallNs = System.nanoTime();

		long selfNs = -1;

		long pidNs = -1;

		long treeNs = -1;

		long machineBusyNs = -1;

		long machineTotalNs = -1;

		static CpuSample take(long watchPid, long dbPid) {
			CpuSample c = new CpuSample();
			try {
				java.lang.management.OperatingSystemMXBean os = java.lang.management.ManagementFactory
					.getOperatingSystemMXBean();
				if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
					c.selfNs = sun.getProcessCpuTime();
				}
			}
			catch (Throwable ignored) {
			}
			try {
				String[] f = java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/stat")).get(0).trim()
					.split("\\s+");
				long total = 0;
				for (int i = 1; i < f.length && i <= 8; i++) {
					total += Long.parseLong(f[i]);
				}
				long idle = Long.parseLong(f[4]) + Long.parseLong(f[5]);
				c.machineTotalNs = (long) (total * TICK_NS);
				c.machineBusyNs = (long) ((total - idle) * TICK_NS);
			}
			catch (Throwable ignored) {
			}
			if (watchPid > 0 || dbPid > 0) {
				try {
					Map<Long, long[]> procs = new java.util.HashMap<>(); // pid -> {ppid, ticks}
					try (var dir = java.nio.file.Files.newDirectoryStream(java.nio.file.Path.of("/proc"))) {
						for (var p : dir) {
							String name = p.getFileName().toString();
							if (!name.chars().allMatch(Character::isDigit)) {
								continue;
							}
							try {
								String st = java.nio.file.Files.readString(p.resolve("stat"));
								String[] f = st.substring(st.lastIndexOf(')') + 2).split(" ");
								// f[0]=state f[1]=ppid ... f[11]=utime f[12]=stime
								procs.put(Long.parseLong(name),
										new long[] { Long.parseLong(f[1]), Long.parseLong(f[11]) + Long.parseLong(f[12]) });
							}
							catch (IOException | RuntimeException gone) {
							}
						}
					}
					long[] self = procs.get(watchPid);
					if (self != null) {
						c.pidNs = (long) (self[1] * TICK_NS);
					}
					if (procs.containsKey(dbPid)) {
						long tree = 0;
						for (Map.Entry<Long, long[]> e : procs.entrySet()) {
							long pid = e.getKey();
							for (int depth = 0; depth < 16 && pid > 1; depth++) {
								if (pid == dbPid) {
									tree += e.getValue()[1];
									break;
								}
								long[] info = procs.get(pid);
								if (info == null) {
									break;
								}
								pid = info[0];
							}
						}
						c.treeNs = (long) (tree * TICK_NS);
					}
				}
				catch (Throwable ignored) {
				}
			}
			return c;
		}

		/** Percent of one core (or of the whole machine for "machine") between two samples. */
		static String pct(long a, long b, long wall) {
			if (a < 0 || b < 0 || wall <= 0) {
				return "-";
			}
			return String.format(Locale.ROOT, "%.0f", 100.0 * (b - a) / wall);
		}

	}

	// ------------------------------------------------------------------ main

	static double ms(long ns) {
		return ns / 1e6;
	}

	static long pct(long[] sorted, int n, double p) {
		if (n == 0) {
			return 0;
		}
		int idx = (int) Math.ceil(p * n) - 1;
		return sorted[Math.max(0, Math.min(n - 1, idx))];
	}

	/** Milliseconds with 3 decimals, or "inf" for a request that was never sent. */
	static String lms(long ns) {
		return ns == Long.MAX_VALUE ? "inf" : fmt(ns / 1e6);
	}

	static void kv(StringBuilder sb, String key, Object value) {
		sb.append(' ').append(key).append('=').append(String.valueOf(value).replace(' ', '_'));
	}

	static String fmt(double v) {
		return String.format(Locale.ROOT, "%.3f", v);
	}

	public static void main(String[] args) throws Exception {
		Options o = parse(args);
		URI uri = URI.create(o.url);
		if (!"http".equalsIgnoreCase(uri.getScheme())) {
			usage("only http:// URLs are supported");
		}
		String host = uri.getHost();
		int port = uri.getPort() > 0 ? uri.getPort() : 80;
		String path = (uri.getRawPath() == null || uri.getRawPath().isEmpty()) ? "/" : uri.getRawPath();
		if (uri.getRawQuery() != null) {
			path += "?" + uri.getRawQuery();
		}
		InetSocketAddress addr = new InetSocketAddress(host, port);
		String hostHeader = host + ":" + port;
		int threads = o.open() ? o.connections : o.concurrency;
		double totalS = (o.warmupNs + o.durationNs) / 1e9;

		// --- pre-sign requests
		long n;
		if (o.prepared >= 0) {
			n = o.prepared;
		}
		else if (o.count >= 0) {
			n = o.count;
		}
		else if (o.open()) {
			n = (long) Math.ceil(o.rate * totalS) + threads + 16;
		}
		else {
			n = (long) Math.ceil(8_000 * totalS); // well above what 2 cores can ingest; past it: inline signing
		}
		long memCap = (long) (Runtime.getRuntime().maxMemory() * 0.5 / 1400);
		if (n > memCap) {
			System.out.printf("note: pre-signing capped at %d requests by heap size (-Xmx)%n", memCap);
			n = memCap;
		}
		n = Math.min(n, Integer.MAX_VALUE - 8);
		long tPrep = System.nanoTime();
		Requests reqs = new Requests(o, hostHeader, path, (int) n);
		long avgSize = n == 0 ? 0 : reqs.prepared[0].length;
		System.out.printf(Locale.ROOT, "prepared %d signed requests (%d bytes on the wire each, body %d) in %.0f ms%n",
				n, avgSize, n == 0 ? 0 : reqs.deliveries[0].body().length, ms(System.nanoTime() - tPrep));

		// --- connect everything before the clock starts
		AtomicLong seq = new AtomicLong();
		CountDownLatch done = new CountDownLatch(threads);
		List<Conn> conns = new ArrayList<>(threads);
		int connectFailures = 0;
		for (int i = 0; i < threads; i++) {
			Conn c = new Conn(addr, o.timeoutMs);
			try {
				c.connect();
			}
			catch (IOException ex) {
				connectFailures++;
				SAMPLE_ERRORS.putIfAbsent("initial-connect", String.valueOf(ex));
			}
			conns.add(c);
		}
		if (connectFailures == threads) {
			System.out.println("error: cannot connect to " + addr + ": " + SAMPLE_ERRORS.get("initial-connect"));
			System.out.println("RESULT mode=" + (o.open() ? "open" : "closed") + " label=" + o.label
					+ " sent=0 acked=0 errors=" + threads + " fatal=connect ok=false");
			System.exit(1);
		}
		System.gc();
		long start = System.nanoTime() + 200_000_000L;
		List<Worker> timed = new ArrayList<>(threads);
		for (Conn c : conns) {
			timed.add(new Worker(o, reqs, seq, c, start, done));
		}
		System.out.printf(Locale.ROOT, "%s loop: %s, %d connections, warm-up %.1f s, measured %.1f s, target %s%n",
				o.open() ? "open" : "closed",
				o.open() ? fmt(o.rate) + " req/s" : "concurrency " + o.concurrency, threads, o.warmupNs / 1e9,
				o.durationNs / 1e9, o.url);
		for (int i = 0; i < timed.size(); i++) {
			Thread th = new Thread(timed.get(i), "load-" + i);
			th.setDaemon(true);
			th.start();
		}
		// CPU used during the measured phase only.
		long warmEnd = start + o.warmupNs;
		long measuredEnd = warmEnd + o.durationNs;
		while (System.nanoTime() < warmEnd) {
			LockSupport.parkNanos(warmEnd - System.nanoTime());
		}
		CpuSample cpu0 = CpuSample.take(o.watchPid, o.watchDbPid);
		if (o.count >= 0) {
			// --count: the window ends when every request is answered, at the latest at its end
			done.await(Math.max(0, measuredEnd - System.nanoTime()), java.util.concurrent.TimeUnit.NANOSECONDS);
		}
		while (o.count < 0 && System.nanoTime() < measuredEnd) {
			LockSupport.parkNanos(measuredEnd - System.nanoTime());
		}
		long windowEnd = Math.min(System.nanoTime(), measuredEnd);
		CpuSample cpu1 = CpuSample.take(o.watchPid, o.watchDbPid);
		long cpuWall = cpu1.wallNs - cpu0.wallNs;
		String clientCpu = CpuSample.pct(cpu0.selfNs, cpu1.selfNs, cpuWall);
		String serviceCpu = CpuSample.pct(cpu0.pidNs, cpu1.pidNs, cpuWall);
		String dbCpu = CpuSample.pct(cpu0.treeNs, cpu1.treeNs, cpuWall);
		String machineBusy = CpuSample.pct(cpu0.machineBusyNs, cpu1.machineBusyNs,
				cpu1.machineTotalNs - cpu0.machineTotalNs);
		// Wait for the run; stragglers get the socket timeout plus a margin.
		long maxWaitMs = (o.warmupNs + o.durationNs + (o.open() ? o.drainNs : 0)) / 1_000_000L + 200
				+ 2L * o.timeoutMs + 5000;
		boolean finished = done.await(maxWaitMs, java.util.concurrent.TimeUnit.MILLISECONDS);
		if (!finished) {
			STOP = true;
			done.await(o.timeoutMs + 1000L, java.util.concurrent.TimeUnit.MILLISECONDS);
		}
		long wallEnd = System.nanoTime();

		Stats m = new Stats();
		Stats w = new Stats();
		long reconnects = 0;
		long ackedInWindow = 0;
		for (Worker t : timed) {
			ackedInWindow += t.ackedInWindow;
			m.merge(t.measured);
			w.merge(t.warm);
			reconnects += Math.max(0, t.conn.connects - 1);
		}
		// Open loop: requests due in the window that were never sent (the service was so far
		// behind that the backlog outlasted --drain) count as infinitely slow.
		long unsent = 0;
		if (o.open()) {
			double intervalNs = 1e9 / o.rate;
			long due = 0;
			for (long s = 0;; s++) {
				long intended = start + (long) (s * intervalNs);
				if (intended >= measuredEnd || (o.count >= 0 && s >= o.count)) {
					break;
				}
				if (intended >= warmEnd) {
					due++;
				}
			}
			unsent = Math.max(0, due - m.sent);
		}
		double sum = 0;
		for (int i = 0; i < m.latencies.n; i++) {
			sum += m.latencies.a[i];
		}
		int answered = m.latencies.n;
		long[] lat = Arrays.copyOf(m.latencies.a, (int) (m.latencies.n + unsent));
		Arrays.fill(lat, m.latencies.n, lat.length, Long.MAX_VALUE);
		Arrays.sort(lat);
		int ln = lat.length;
		// With --count the window is the time actually taken (it may end before --duration).
		double durS = (o.count >= 0 ? Math.max(1, windowEnd - warmEnd) : o.durationNs) / 1e9;
		double throughput = m.acked / durS;
		double sentRate = m.sent / durS;
		double answeredRate = ackedInWindow / durS;
		long p50 = pct(lat, ln, 0.50), p90 = pct(lat, ln, 0.90), p99 = pct(lat, ln, 0.99),
				p999 = pct(lat, ln, 0.999), max = ln == 0 ? 0 : lat[ln - 1];

		StringBuilder statuses = new StringBuilder();
		m.statuses.forEach((k, v) -> statuses.append(statuses.length() == 0 ? "" : ",").append(k).append(':').append(v));
		StringBuilder other = new StringBuilder();
		m.statuses.forEach((k, v) -> {
			if (k != 202) {
				other.append(other.length() == 0 ? "" : " ").append(k).append('=').append(v);
			}
		});
		StringBuilder errs = new StringBuilder();
		Stats all = new Stats();
		all.merge(m);
		all.merge(w);
		all.errorKinds.forEach((k, v) -> errs.append(errs.length() == 0 ? "" : ",").append(k).append(':').append(v));

		String mean = fmt(answered == 0 ? 0 : sum / answered / 1e6);
		String mode = o.open() ? "open" : "closed";

		System.out.println();
		System.out.printf(Locale.ROOT, "sent            %d (%.1f/s)%s%n", m.sent, sentRate,
				unsent == 0 ? "" : "; " + unsent + " more were due but never sent (service too far behind)");
		System.out.printf(Locale.ROOT, "acknowledged    %d (202; new %d, duplicate %d)%n", m.acked, m.ackedNew,
				m.ackedDup);
		System.out.printf("other statuses  %s%n", other.length() == 0 ? "none" : other);
		System.out.printf("errors          %d%s%n", m.errors, m.errors == 0 ? "" : " (" + m.errorKinds + ")");
		System.out.printf(Locale.ROOT,
				"throughput      %.1f acknowledged/s (requests sent in the window); %.1f/s 202s arrived in the window%n",
				throughput, answeredRate);
		System.out.printf("latency ms      p50 %s  p90 %s  p99 %s  p99.9 %s  max %s  mean %s  (%s)%n", lms(p50),
				lms(p90), lms(p99), lms(p999), lms(max), mean,
				o.open() ? "from the intended send time" : "per request");
		if (o.open()) {
			System.out.printf("late sends      %d (sent > 1 ms after the intended time: all %d connections busy, "
					+ "or the client itself short of CPU)%n", m.lateSends, threads);
		}
		System.out.printf("warm-up         sent %d, acknowledged %d (new %d), non-202 %d, errors %d%n", w.sent, w.acked,
				w.ackedNew, w.non202(), w.errors);
		System.out.printf("connections     %d, reconnects %d, inline-signed %d%n", threads, reconnects,
				reqs.inline.sum());
		System.out.printf("cpu             load generator %s%%, service %s%%, database %s%% (100%% = one core); "
				+ "machine busy %s%% of %d cores%n", clientCpu, serviceCpu, dbCpu, machineBusy,
				Runtime.getRuntime().availableProcessors());
		SAMPLE_BODIES.forEach((k, v) -> System.out.printf("sample %d body  %s%n", k,
				v.length() > 300 ? v.substring(0, 300) + "..." : v));
		SAMPLE_ERRORS.forEach((k, v) -> System.out.printf("sample error    %s: %s%n", k, v));
		if (!finished) {
			System.out.println("warning: some workers had not finished " + maxWaitMs + " ms after the start");
		}

		boolean ok = all.non202() == 0 && all.errors == 0 && finished;
		StringBuilder r = new StringBuilder("RESULT");
		kv(r, "mode", mode);
		kv(r, "label", o.label.isEmpty() ? "-" : o.label);
		kv(r, "concurrency", o.open() ? 0 : o.concurrency);
		kv(r, "rate", fmt(o.rate));
		kv(r, "connections", threads);
		kv(r, "duration_s", fmt(durS));
		kv(r, "count", o.count);
		kv(r, "alias", o.alias == null ? "mix" : o.alias);
		kv(r, "record_ids", o.recordIds);
		kv(r, "burst", o.burst);
		kv(r, "warmup_s", fmt(o.warmupNs / 1e9));
		kv(r, "sent", m.sent);
		kv(r, "unsent", unsent);
		kv(r, "acked", m.acked);
		kv(r, "acked_new", m.ackedNew);
		kv(r, "acked_dup", m.ackedDup);
		kv(r, "non202", m.non202());
		kv(r, "errors", m.errors);
		kv(r, "statuses", statuses.length() == 0 ? "-" : statuses);
		kv(r, "throughput", fmt(throughput));
		kv(r, "answered_in_window_per_s", fmt(answeredRate));
		kv(r, "p50_ms", lms(p50));
		kv(r, "p90_ms", lms(p90));
		kv(r, "p99_ms", lms(p99));
		kv(r, "p999_ms", lms(p999));
		kv(r, "max_ms", lms(max));
		kv(r, "mean_ms", mean);
		kv(r, "late_sends", m.lateSends);
		kv(r, "warmup_sent", w.sent);
		kv(r, "warmup_acked", w.acked);
		kv(r, "total_sent", all.sent);
		kv(r, "total_acked", all.acked);
		kv(r, "total_acked_new", all.ackedNew);
		kv(r, "total_non202", all.non202());
		kv(r, "total_errors", all.errors);
		kv(r, "error_kinds", errs.length() == 0 ? "-" : errs);
		kv(r, "reconnects", reconnects);
		kv(r, "inline_signed", reqs.inline.sum());
		kv(r, "client_cpu_pct", clientCpu);
		kv(r, "service_cpu_pct", serviceCpu);
		kv(r, "db_cpu_pct", dbCpu);
		kv(r, "machine_busy_pct", machineBusy);
		kv(r, "finished", finished);
		kv(r, "ok", ok);
		kv(r, "wall_s", fmt((wallEnd - start) / 1e9));
		System.out.println(r);
		System.out.flush();
		System.exit(ok ? 0 : 1);
	}

}
