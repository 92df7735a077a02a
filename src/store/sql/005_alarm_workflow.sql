-- 005_alarm_workflow: the dispatcher's verification workflow on the live
-- alarm board (src/store/board.c). Every step a dispatcher takes on an
-- incident of 003_alarm (acknowledge, call a contact, mark false or
-- confirmed, hand to dispatch) and every escalation the system raises is
-- one row of incident_steps with its time (Unix ms) and who took it;
-- incident_board keeps the current acknowledgement and escalation of each
-- incident so the board reads them without scanning the steps.

CREATE TABLE incident_steps (
	id INTEGER PRIMARY KEY,
	incident_id BIGINT NOT NULL REFERENCES incidents (id),
	kind TEXT NOT NULL
		CHECK (kind IN ('ack', 'call', 'verify', 'dispatch', 'escalation')),
	at_ms BIGINT NOT NULL,
	actor_id BIGINT,                 -- account id; NULL for the system
	actor TEXT NOT NULL DEFAULT '',  -- username, or 'system'
	actor_name TEXT NOT NULL DEFAULT '',
	contact TEXT,                    -- call: who was called
	phone TEXT,                      -- call: the number, masked (091****678)
	result TEXT,                     -- call: answered|no_answer|busy|wrong_number
	outcome TEXT,                    -- verify: false_alarm|confirmed; escalation: level
	note TEXT,
	state_from TEXT,
	state_to TEXT
);
CREATE INDEX incident_steps_incident ON incident_steps (incident_id, id);

CREATE TABLE incident_board (
	incident_id BIGINT PRIMARY KEY REFERENCES incidents (id),
	acked_ms BIGINT,
	acked_by TEXT,
	escalated_ms BIGINT,
	escalation_level INTEGER NOT NULL DEFAULT 0
);
