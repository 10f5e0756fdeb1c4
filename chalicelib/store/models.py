"""pynamodb models: the only module that knows the tables' shapes.

Table names follow the stage (settings.table_name) when a model is used, not when this module is imported:
importing it reads no environment, so a process (a test, the local stack, a bench run) may set its stage after
the import. The webhook path uses short timeouts: Twilio gives up after 15 s and a caller hears silence long
before that.
"""
from __future__ import annotations

from typing import cast

from pynamodb.attributes import (
    BooleanAttribute,
    JSONAttribute,
    NumberAttribute,
    UnicodeAttribute,
    UnicodeSetAttribute,
)
from pynamodb.connection import TableConnection
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex, KeysOnlyProjection
from pynamodb.models import MetaProtocol, Model

from chalicelib import settings, tracing
from chalicelib.store.connection import with_client


class _StageTable(type):
    """A model's Meta whose `table_name` is this stage's table of its `kind` at the moment it is read.

    pynamodb reads the name when it makes a model's connection, and makes another when the name changes."""

    kind: str

    @property
    def table_name(cls) -> str:
        return settings.table_name(cls.kind)


class _Meta(metaclass=_StageTable):
    connect_timeout_seconds = 1
    read_timeout_seconds = 3
    max_retry_attempts = 2


def _meta(kind: str) -> MetaProtocol:
    return cast(MetaProtocol, _StageTable("Meta", (_Meta,), {"kind": kind}))


class _StageModel(Model):
    """A table of this stage, in this container's region, with X-Ray's patch on when deployed with tracing."""

    @classmethod
    def _get_connection(cls) -> TableConnection:
        # Every request of a model starts here (pynamodb keeps the connection it makes): the region and the
        # patch are settled on first use, so importing the models binds nothing.
        tracing.trace_aws_requests()
        cls.Meta.region = settings.region()
        made = super()._get_connection()
        with_client(made.connection)
        return made


class CallerIndex(GlobalSecondaryIndex):
    class Meta:
        index_name = "by_caller"
        projection = AllProjection()

    caller_phone = UnicodeAttribute(hash_key=True)
    created_at = UnicodeAttribute(range_key=True)


class DistrictDayIndex(GlobalSecondaryIndex):
    class Meta:
        index_name = "by_district"
        projection = AllProjection()

    district = UnicodeAttribute(hash_key=True)
    created_at = UnicodeAttribute(range_key=True)


class DepartmentQueueIndex(GlobalSecondaryIndex):
    class Meta:
        index_name = "by_department_due"
        projection = AllProjection()

    district_department = UnicodeAttribute(hash_key=True)
    level_due_at = UnicodeAttribute(range_key=True)


class QueueIndex(GlobalSecondaryIndex):
    """Sparse: an open ticket's post (district#department#level), by its level deadline: officers' inboxes."""

    class Meta:
        index_name = "by_queue"
        projection = AllProjection()

    queue_key = UnicodeAttribute(hash_key=True)
    level_due_at = UnicodeAttribute(range_key=True)


class OpenBySlaIndex(GlobalSecondaryIndex):
    """Sparse: open tickets of a district by SLA deadline: the overdue list."""

    class Meta:
        index_name = "open_by_sla"
        projection = AllProjection()

    open_district = UnicodeAttribute(hash_key=True)
    sla_due_at = UnicodeAttribute(range_key=True)


class AtRiskIndex(GlobalSecondaryIndex):
    """Sparse: open tickets past 80% of their SLA and not yet past it, the nearest deadline first."""

    class Meta:
        index_name = "at_risk"
        projection = AllProjection()

    risk_district = UnicodeAttribute(hash_key=True)
    sla_due_at = UnicodeAttribute(range_key=True)


class KindIndex(GlobalSecondaryIndex):
    """Sparse: suggestions, demands and requests (never complaints) by district and kind, the newest first: the
    Collector's weekly list of suggestions."""

    class Meta:
        index_name = "by_kind"
        projection = AllProjection()

    kind_district = UnicodeAttribute(hash_key=True)
    created_at = UnicodeAttribute(range_key=True)


class ApprovalIndex(GlobalSecondaryIndex):
    """Sparse: open tickets with a request waiting for the level above, by district, then the approver's post
    and when it was asked (department#level#at; COLLECTOR for an L4's): the approvers' queue."""

    class Meta:
        index_name = "by_approval"
        projection = AllProjection()

    approval_district = UnicodeAttribute(hash_key=True)
    approval_key = UnicodeAttribute(range_key=True)


# The console's filters (handlers/api_lists.py picks one of these by the filter asked for). Each key is
# <district>#<value>, so a Query reads one district's tickets of that value and nothing else; every ticket carries
# them (closed ones too: "recent" lists every ticket), except level_key, which only an open ticket has.
class StatusIndex(GlobalSecondaryIndex):
    class Meta:
        index_name = "by_status"
        projection = AllProjection()

    status_key = UnicodeAttribute(hash_key=True)
    created_at = UnicodeAttribute(range_key=True)


class CategoryIndex(GlobalSecondaryIndex):
    class Meta:
        index_name = "by_category"
        projection = AllProjection()

    category_key = UnicodeAttribute(hash_key=True)
    created_at = UnicodeAttribute(range_key=True)


class DepartmentDayIndex(GlobalSecondaryIndex):
    class Meta:
        index_name = "by_department"
        projection = AllProjection()

    department_key = UnicodeAttribute(hash_key=True)
    created_at = UnicodeAttribute(range_key=True)


class UrgencyIndex(GlobalSecondaryIndex):
    class Meta:
        index_name = "by_urgency"
        projection = AllProjection()

    urgency_key = UnicodeAttribute(hash_key=True)
    created_at = UnicodeAttribute(range_key=True)


class LevelDueIndex(GlobalSecondaryIndex):
    """Sparse: open tickets at one level of any department, by the level's deadline."""

    class Meta:
        index_name = "by_level_due"
        projection = AllProjection()

    level_key = UnicodeAttribute(hash_key=True)
    level_due_at = UnicodeAttribute(range_key=True)


class OpenByDayIndex(GlobalSecondaryIndex):
    """Sparse: a district's open tickets, newest (or oldest) first: status=open."""

    class Meta:
        index_name = "open_by_day"
        projection = AllProjection()

    open_district = UnicodeAttribute(hash_key=True)
    created_at = UnicodeAttribute(range_key=True)


class OpenByDueIndex(GlobalSecondaryIndex):
    """Sparse: a district's open tickets by the level's deadline: the nearest (or farthest) due first."""

    class Meta:
        index_name = "open_by_due"
        projection = AllProjection()

    open_district = UnicodeAttribute(hash_key=True)
    level_due_at = UnicodeAttribute(range_key=True)


class DueIndex(GlobalSecondaryIndex):
    """Sparse: only open tickets carry sweep_shard, so the sweeper reads what is due, not all."""

    class Meta:
        index_name = "by_next_action"
        projection = KeysOnlyProjection()

    sweep_shard = UnicodeAttribute(hash_key=True)
    next_action_at = UnicodeAttribute(range_key=True)


class TicketModel(_StageModel):
    Meta = _meta("tickets")
    complaint_number = UnicodeAttribute(hash_key=True)
    district = UnicodeAttribute()
    hotline = UnicodeAttribute(default="")
    line = UnicodeAttribute(default="")
    caller_phone = UnicodeAttribute()
    language = UnicodeAttribute()
    category = UnicodeAttribute()
    department = UnicodeAttribute()
    district_department = UnicodeAttribute(null=True)  # only while open: by_department_due is the open queue
    queue_key = UnicodeAttribute(null=True)
    open_district = UnicodeAttribute(null=True)
    risk_district = UnicodeAttribute(null=True)
    kind_district = UnicodeAttribute(null=True)  # by_kind's key: suggestions, demands, requests only
    status_key = UnicodeAttribute(null=True)  # the console's filters: <district>#<value> (the filter indexes)
    category_key = UnicodeAttribute(null=True)
    department_key = UnicodeAttribute(null=True)
    urgency_key = UnicodeAttribute(null=True)
    level_key = UnicodeAttribute(null=True)  # only while open
    approval_district = UnicodeAttribute(null=True)  # by_approval's keys: only while a request waits
    approval_key = UnicodeAttribute(null=True)
    status = UnicodeAttribute()
    level = UnicodeAttribute()
    version = NumberAttribute()
    created_at = UnicodeAttribute()
    sla_due_at = UnicodeAttribute()
    level_due_at = UnicodeAttribute()
    channel = UnicodeAttribute()
    call_sid = UnicodeAttribute(null=True)
    recording_sid = UnicodeAttribute(null=True)
    recording_url = UnicodeAttribute(null=True)
    recording_duration = NumberAttribute(null=True)
    recording_confirmed = BooleanAttribute(default=False)
    level_started_at = UnicodeAttribute(default="")
    reminders_sent = JSONAttribute(default=list)
    acknowledged_at = UnicodeAttribute(null=True)
    resolved_at = UnicodeAttribute(null=True)
    resolution_remark = UnicodeAttribute(null=True)
    closed_at = UnicodeAttribute(null=True)
    closure = UnicodeAttribute(null=True)
    feedback_calls = NumberAttribute(default=0)
    feedback_due_at = UnicodeAttribute(null=True)
    reopen_until = UnicodeAttribute(null=True)
    reopen_count = NumberAttribute(default=0)
    flagged = BooleanAttribute(default=False)
    sla_breached = BooleanAttribute(default=False)
    pending = JSONAttribute(null=True)
    sweep_shard = UnicodeAttribute(null=True)
    next_action_at = UnicodeAttribute(null=True)
    sla_risk_at = UnicodeAttribute(default="")
    sla_at_risk = BooleanAttribute(default=False)
    caller_name = UnicodeAttribute(null=True)
    address = UnicodeAttribute(null=True)
    description = UnicodeAttribute(null=True)
    registered_by = UnicodeAttribute(null=True)
    media_url = UnicodeAttribute(null=True)
    media_type = UnicodeAttribute(null=True)
    whatsapp_consent = BooleanAttribute(default=False)
    whatsapp_consent_at = UnicodeAttribute(null=True)
    transcript = JSONAttribute(null=True)
    category_hint = UnicodeAttribute(null=True)
    promised_at = UnicodeAttribute(null=True)
    urgency = UnicodeAttribute(default="normal")
    officer_rings = NumberAttribute(default=0)
    officer_ring_due_at = UnicodeAttribute(null=True)
    kind = UnicodeAttribute(default="complaint")
    form = JSONAttribute(null=True)

    by_caller = CallerIndex()
    by_district = DistrictDayIndex()
    by_department_due = DepartmentQueueIndex()
    by_next_action = DueIndex()
    by_queue = QueueIndex()
    open_by_sla = OpenBySlaIndex()
    at_risk = AtRiskIndex()
    by_kind = KindIndex()
    by_status = StatusIndex()
    by_category = CategoryIndex()
    by_department = DepartmentDayIndex()
    by_urgency = UrgencyIndex()
    by_level_due = LevelDueIndex()
    open_by_day = OpenByDayIndex()
    open_by_due = OpenByDueIndex()
    by_approval = ApprovalIndex()


class TimelineModel(_StageModel):
    Meta = _meta("timeline")
    complaint_number = UnicodeAttribute(hash_key=True)
    at_id = UnicodeAttribute(range_key=True)  # "<iso time>#<n>": sorted by time, unique
    actor_type = UnicodeAttribute()
    actor_id = UnicodeAttribute()
    action = UnicodeAttribute()
    channel = UnicodeAttribute()
    detail = JSONAttribute(default=dict)


class CallDistrictIndex(GlobalSecondaryIndex):
    class Meta:
        index_name = "by_district"
        projection = AllProjection()

    district = UnicodeAttribute(hash_key=True)
    ended_at = UnicodeAttribute(range_key=True)


class CallRingingIndex(GlobalSecondaryIndex):
    """Sparse: only calls that rang a district's operators, newest first — the console's incoming calls."""

    class Meta:
        index_name = "ringing"
        projection = AllProjection()

    ringing_district = UnicodeAttribute(hash_key=True)
    ringing_at = UnicodeAttribute(range_key=True)


class VideoDueIndex(GlobalSecondaryIndex):
    """Sparse: open sign-language video calls, by when the sweeper must look (a booking's window, a meeting's cap)."""

    class Meta:
        index_name = "video_due"
        projection = AllProjection()

    video_due_key = UnicodeAttribute(hash_key=True)  # "VIDEO": few at a time, one partition
    video_due_at = UnicodeAttribute(range_key=True)


class CallModel(_StageModel):
    """The call log, one item per CallSid: written by the ticket transaction and the status callback."""

    Meta = _meta("calls")
    call_sid = UnicodeAttribute(hash_key=True)
    from_phone = UnicodeAttribute(null=True)
    to_phone = UnicodeAttribute(null=True)
    district = UnicodeAttribute(null=True)
    hotline = UnicodeAttribute(null=True)
    call_status = UnicodeAttribute(null=True)
    duration = NumberAttribute(null=True)
    ended_at = UnicodeAttribute(null=True)
    outcome = UnicodeAttribute(null=True)  # ticket, note, abandoned, failed, over_cap
    language = UnicodeAttribute(null=True)
    category = UnicodeAttribute(null=True)
    complaint_number = UnicodeAttribute(null=True)  # the call's first ticket: its recording joins this one
    complaint_numbers = UnicodeSetAttribute(null=True)  # every ticket registered from the call, the first too
    recording_sid = UnicodeAttribute(null=True)
    recording_status = UnicodeAttribute(null=True)
    recording_url = UnicodeAttribute(null=True)  # kept for an operator's ticket registered after the recording
    recording_duration = NumberAttribute(null=True)
    ringing_district = UnicodeAttribute(null=True)  # set when the call rang operators (operators mode)
    ringing_at = UnicodeAttribute(null=True)
    rang_operators = UnicodeAttribute(null=True)  # user names, comma-separated
    answered_at = UnicodeAttribute(null=True)
    answered_by = UnicodeAttribute(null=True)
    dial_status = UnicodeAttribute(null=True)  # the last Dial's DialCallStatus
    # A sign-language video call (call_sid VC…, store/video_calls.py): kind "video", the call as JSON, its version;
    # a phone's pointer item (VIDEOPHONE#<district>#<phone>) keeps its open booking and the day's links.
    kind = UnicodeAttribute(null=True)
    video = JSONAttribute(null=True)
    version = NumberAttribute(null=True)
    video_due_key = UnicodeAttribute(null=True)
    video_due_at = UnicodeAttribute(null=True)
    open_video = UnicodeAttribute(null=True)
    video_day = UnicodeAttribute(null=True)
    video_links = NumberAttribute(null=True)

    by_district = CallDistrictIndex()
    ringing = CallRingingIndex()
    video_due = VideoDueIndex()


class DirectoryModel(_StageModel):
    """LINE#<number>/LINE -> district (or state number); DISTRICT#<code>/CONFIG -> the validated district
    file; STATE#<code>/CONFIG -> the validated state file."""

    Meta = _meta("directory")
    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    district = UnicodeAttribute(null=True)
    state = UnicodeAttribute(null=True)  # on a LINE item of a state number (181), instead of district
    hotline = UnicodeAttribute(null=True)
    config = JSONAttribute(null=True)
    updated_at = UnicodeAttribute(null=True)
    version = NumberAttribute(null=True)  # the console saves conditional on it
    updated_by = UnicodeAttribute(null=True)
    reason = UnicodeAttribute(null=True)  # DISTRICT#<code>/BLOCK#<phone>: why the Collector's office blocked it
    pin_hash = UnicodeAttribute(null=True)  # DISTRICT#<code>/PIN#<phone>: an officer's IVR PIN, hashed


class CounterModel(_StageModel):
    """Complaint-number sequences and dashboard figures, both kept with atomic ADD."""

    Meta = _meta("counters")
    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    value = NumberAttribute(null=True)


class CallerModel(_StageModel):
    """A citizen's phone (key CALLER#<e164>/CONSENT, in the counters table): their answer to updates on WhatsApp,
    when and where it was given (domain/consent.py). One small item per phone, every district alike."""

    Meta = _meta("counters")
    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    whatsapp_consent = BooleanAttribute(null=True)
    whatsapp_consent_at = UnicodeAttribute(null=True)
    whatsapp_consent_channel = UnicodeAttribute(null=True)


class PendingIndex(GlobalSecondaryIndex):
    class Meta:
        index_name = "pending"
        projection = AllProjection()

    pending = UnicodeAttribute(hash_key=True)
    created_at = UnicodeAttribute(range_key=True)


class OutboxModel(_StageModel):
    """Events written with their transition, deleted once both queues have them."""

    Meta = _meta("outbox")
    event_id = UnicodeAttribute(hash_key=True)
    pending = UnicodeAttribute(default="1")
    created_at = UnicodeAttribute()
    body = UnicodeAttribute()
    attempts = NumberAttribute(default=0)

    by_pending = PendingIndex()


class ClaimModel(_StageModel):
    """Idempotency claims of consumers' side effects; expire through DynamoDB TTL."""

    Meta = _meta("idempotency")
    key = UnicodeAttribute(hash_key=True)
    state = UnicodeAttribute()  # sending, done
    claimed_at = UnicodeAttribute()
    result = UnicodeAttribute(null=True)
    expires_at = NumberAttribute()


class LinkAttemptModel(_StageModel):
    """Wrong phone numbers tried on a recording link (store/link_attempts.py), beside the claims: keyed
    `link-tries#<digest>`, gone through the same TTL."""

    Meta = _meta("idempotency")
    key = UnicodeAttribute(hash_key=True)
    failures = NumberAttribute()
    window_ends = NumberAttribute()  # epoch seconds; TTL deletes late, so the window is checked on read
    expires_at = NumberAttribute()


class ShortLinkModel(_StageModel):
    """A short recording link (store/short_links.py), beside the claims: keyed `link#<digest of the token>`,
    gone through the same TTL."""

    Meta = _meta("idempotency")
    key = UnicodeAttribute(hash_key=True)
    complaint_number = UnicodeAttribute()
    phone = UnicodeAttribute()
    link_expires_at = NumberAttribute()  # epoch seconds: the link opens until then
    expires_at = NumberAttribute()  # TTL: a while later, so an expired link says so rather than "not valid"


class CallbackDueIndex(GlobalSecondaryIndex):
    """Sparse: only callback requests still to be placed carry due_shard, so the sweeper reads what is due."""

    class Meta:
        index_name = "due"
        projection = AllProjection()

    due_shard = UnicodeAttribute(hash_key=True)
    due_at = UnicodeAttribute(range_key=True)


class CallbackModel(_StageModel):
    """A callback request (key: the CallSid of the call that asked); expires through DynamoDB TTL."""

    Meta = _meta("callbacks")
    key = UnicodeAttribute(hash_key=True)
    caller_phone = UnicodeAttribute()
    line = UnicodeAttribute()
    district = UnicodeAttribute()
    hotline = UnicodeAttribute()
    reason = UnicodeAttribute()
    state = UnicodeAttribute()  # waiting, calling, answered, unanswered
    tries = NumberAttribute()
    tries_made = NumberAttribute(default=0)
    retry_minutes = NumberAttribute()
    created_at = UnicodeAttribute()
    language = UnicodeAttribute(null=True)  # the caller's, where they chose one (after hours)
    due_shard = UnicodeAttribute(null=True)
    due_at = UnicodeAttribute(null=True)
    expires_at = NumberAttribute()

    by_due = CallbackDueIndex()


class CallbackCapModel(_StageModel):
    """A caller's callbacks in an IST day (key CAP#<phone>#<day>), in the callbacks table; expires by TTL."""

    Meta = _meta("callbacks")
    key = UnicodeAttribute(hash_key=True)
    # The stored items' attribute is `count`; it hides pynamodb's Model.count(), never called on this model.
    count = NumberAttribute(null=True)  # type: ignore[assignment]
    expires_at = NumberAttribute(null=True)


class ConversationModel(_StageModel):
    """A citizen's WhatsApp or SMS intake conversation: one item per district, phone and channel, kept a day
    (TTL). Saved conditional on `version`, so a retried webhook cannot move it twice."""

    Meta = _meta("conversations")
    key = UnicodeAttribute(hash_key=True)  # <district>#<phone>#<channel>
    version = NumberAttribute()
    state = JSONAttribute()
    expires_at = NumberAttribute()


class SearchModel(_StageModel):
    """One term of one ticket's text (store/search_index.py): a Query on `<DISTRICT>#<term>` lists the district's
    tickets having it, newest first; kept as long as the district keeps transcripts (TTL)."""

    Meta = _meta("search")
    pk = UnicodeAttribute(hash_key=True)  # <DISTRICT>#<term> (domain/hindi_search.py terms)
    sk = UnicodeAttribute(range_key=True)  # <created_at>#<complaint_number>
    expires_at = NumberAttribute(null=True)
