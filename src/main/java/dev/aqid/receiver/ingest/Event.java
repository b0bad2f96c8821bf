package dev.aqid.receiver.ingest;

import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import org.hibernate.annotations.DynamicUpdate;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;
import org.jspecify.annotations.Nullable;

/**
 * A stored delivery and its enrichment state. Rows are written by {@link EventStore} (one
 * insert on the request path); this mapping is how the enrichment state changes. Every
 * change names the worker holding the lease and changes nothing when another holds it (or
 * nobody does): a worker whose lease ran out, and whose event another worker took over or
 * an operator replayed, cannot overwrite the newer state.
 */
@Entity
@Table(name = "events")
@DynamicUpdate
class Event {

	@Id
	private Long id;

	@Column(name = "dedupe_key", nullable = false, updatable = false)
	private String dedupeKey;

	@Column(name = "delivery_id", updatable = false)
	private String deliveryId;

	@Column(name = "body_sha256", nullable = false, updatable = false)
	private byte[] bodySha256;

	@Column(updatable = false)
	private Integer attempt;

	@Column(name = "webhook_uuid", updatable = false)
	private String webhookUuid;

	@Column(updatable = false)
	private String alias;

	@Column(name = "triggered_at", updatable = false)
	private Instant triggeredAt;

	@Column(name = "received_at", nullable = false, updatable = false)
	private Instant receivedAt;

	@Column(nullable = false, updatable = false)
	private String source;

	@Column(name = "content_type", updatable = false)
	private String contentType;

	@Column(name = "raw_body", nullable = false, updatable = false)
	private byte[] rawBody;

	@JdbcTypeCode(SqlTypes.JSON)
	@Column(updatable = false)
	private String payload;

	@Column(name = "record_id", updatable = false)
	private Long recordId;

	@Column(name = "record_type", updatable = false)
	private String recordType;

	@Column(name = "client_id", updatable = false)
	private Long clientId;

	@Column(name = "form_reference", updatable = false)
	private String formReference;

	@Column(name = "case_id", updatable = false)
	private Long caseId;

	@Column(name = "organisation_id", updatable = false)
	private Long organisationId;

	@Enumerated(EnumType.STRING)
	@Column(name = "enrichment_status", nullable = false)
	private EnrichmentStatus enrichmentStatus;

	@Column(name = "enrichment_attempts", nullable = false)
	private int enrichmentAttempts;

	@Column(name = "next_attempt_at", nullable = false)
	private Instant nextAttemptAt;

	@Column(name = "lease_owner")
	private String leaseOwner;

	@Column(name = "lease_until")
	private Instant leaseUntil;

	@Column(name = "last_error")
	private String lastError;

	@Column(name = "enriched_at")
	private Instant enrichedAt;

	@Column(name = "replayed_at")
	private Instant replayedAt;

	@Column(name = "trace_parent", updatable = false)
	private String traceParent;

	protected Event() {
	}

	/** What a worker needs to enrich the event it claimed. */
	ClaimedEvent claimed() {
		return new ClaimedEvent(this.id, this.alias, this.recordId, this.recordType, this.clientId, this.formReference,
				this.caseId, this.organisationId, this.receivedAt, freshAfter(), this.enrichmentAttempts,
				this.traceParent);
	}

	/** The event as settled, for those that act on settled events. */
	EventSettled settled() {
		return new EventSettled(this.id, this.alias, this.recordId, this.clientId, this.caseId, this.receivedAt,
				this.enrichmentStatus, this.traceParent);
	}

	/**
	 * A snapshot fetched at or after this instant reflects the event: when it arrived, or
	 * when an operator last replayed it.
	 */
	Instant freshAfter() {
		return (this.replayedAt != null && this.replayedAt.isAfter(this.receivedAt)) ? this.replayedAt
				: this.receivedAt;
	}

	boolean markEnriched(String owner, Instant now) {
		if (!leasedTo(owner)) {
			return false;
		}
		this.enrichmentStatus = EnrichmentStatus.enriched;
		this.enrichedAt = now;
		this.lastError = null;
		this.enrichmentAttempts++;
		dropLease();
		return true;
	}

	/** Settled without a fetch (nothing to fetch, or the object is gone). */
	boolean markSkipped(String owner, String reason) {
		if (!leasedTo(owner)) {
			return false;
		}
		this.enrichmentStatus = EnrichmentStatus.skipped;
		this.lastError = reason;
		this.enrichedAt = null;
		dropLease();
		return true;
	}

	boolean markFailed(String owner, String error) {
		if (!leasedTo(owner)) {
			return false;
		}
		this.enrichmentStatus = EnrichmentStatus.failed;
		this.lastError = error;
		this.enrichmentAttempts++;
		dropLease();
		return true;
	}

	boolean scheduleRetry(String owner, String error, Instant dueAt) {
		if (!leasedTo(owner)) {
			return false;
		}
		this.lastError = error;
		this.enrichmentAttempts++;
		this.nextAttemptAt = dueAt;
		dropLease();
		return true;
	}

	/**
	 * Gives the event back without counting an attempt: the fault was not its own (rate
	 * limit, credentials, shutdown).
	 */
	boolean release(String owner, @Nullable String reason, Instant notBefore) {
		if (!leasedTo(owner)) {
			return false;
		}
		if (reason != null) {
			this.lastError = reason;
		}
		if (notBefore.isAfter(this.nextAttemptAt)) {
			this.nextAttemptAt = notBefore;
		}
		dropLease();
		return true;
	}

	private boolean leasedTo(String owner) {
		return owner.equals(this.leaseOwner);
	}

	private void dropLease() {
		this.leaseOwner = null;
		this.leaseUntil = null;
	}

	public Long getId() {
		return this.id;
	}

	public String getDedupeKey() {
		return this.dedupeKey;
	}

	public String getDeliveryId() {
		return this.deliveryId;
	}

	public byte[] getBodySha256() {
		return this.bodySha256;
	}

	public Integer getAttempt() {
		return this.attempt;
	}

	public String getWebhookUuid() {
		return this.webhookUuid;
	}

	public String getAlias() {
		return this.alias;
	}

	public Instant getTriggeredAt() {
		return this.triggeredAt;
	}

	public Instant getReceivedAt() {
		return this.receivedAt;
	}

	public String getSource() {
		return this.source;
	}

	public String getContentType() {
		return this.contentType;
	}

	public byte[] getRawBody() {
		return this.rawBody;
	}

	public String getPayload() {
		return this.payload;
	}

	public Long getRecordId() {
		return this.recordId;
	}

	public String getRecordType() {
		return this.recordType;
	}

	public Long getClientId() {
		return this.clientId;
	}

	public String getFormReference() {
		return this.formReference;
	}

	public Long getCaseId() {
		return this.caseId;
	}

	public Long getOrganisationId() {
		return this.organisationId;
	}

	public EnrichmentStatus getEnrichmentStatus() {
		return this.enrichmentStatus;
	}

	public int getEnrichmentAttempts() {
		return this.enrichmentAttempts;
	}

	public Instant getNextAttemptAt() {
		return this.nextAttemptAt;
	}

	public String getLeaseOwner() {
		return this.leaseOwner;
	}

	public Instant getLeaseUntil() {
		return this.leaseUntil;
	}

	public String getLastError() {
		return this.lastError;
	}

	public Instant getEnrichedAt() {
		return this.enrichedAt;
	}

}
