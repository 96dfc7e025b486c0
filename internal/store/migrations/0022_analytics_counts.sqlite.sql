-- Backfill of the analytics counters: generated from
-- Dialect.AnalyticsBackfill (internal/store/analytics_counts.go), which
-- TestAnalyticsBackfillMigration keeps equal to this file.

INSERT INTO analytics_credits (campaign_lead_id, workspace_id, campaign_id, reply_step, reply_variant, reply_send_slot,
	reply_inbox_id, reply_slot, positive, outcome, stop_step, stop_variant, stop_send_slot, stop_inbox_id, stop_slot)
SELECT cl.id, cl.workspace_id, cl.campaign_id,
	r.step_position, r.variant, (CAST(strftime('%s', r.sent_at) AS INTEGER) / 900), COALESCE(r.inbox_id, cl.inbox_id), (CAST(strftime('%s', cl.replied_at) AS INTEGER) / 900),
	CASE WHEN cl.replied_at IS NOT NULL AND EXISTS (SELECT 1 FROM conversations c JOIN workspaces w ON w.id = c.workspace_id
		WHERE c.campaign_lead_id = cl.id AND +c.workspace_id = cl.workspace_id AND c.category <> ''
		AND ',' || w.positive_categories || ',' LIKE '%,' || c.category || ',%') THEN 1 ELSE 0 END,
	CASE WHEN cl.status IN ('bounced', 'unsubscribed') THEN cl.status
		WHEN cl.status = 'suppressed' AND cl.status_reason = 'marked our message as spam' THEN 'complained' ELSE '' END,
	b.step_position, b.variant, (CAST(strftime('%s', b.sent_at) AS INTEGER) / 900), COALESCE(b.inbox_id, cl.inbox_id), (CAST(strftime('%s', cl.updated_at) AS INTEGER) / 900)
FROM campaign_leads cl
LEFT JOIN send_jobs r ON cl.replied_at IS NOT NULL AND r.campaign_lead_id = cl.id AND r.status = 'sent'
	AND r.sent_at <= cl.replied_at AND NOT EXISTS (SELECT 1 FROM send_jobs k WHERE k.campaign_lead_id = cl.id
	AND k.status = 'sent' AND k.step_position > r.step_position AND k.sent_at <= cl.replied_at)
LEFT JOIN send_jobs b ON cl.status IN ('bounced', 'unsubscribed', 'suppressed') AND b.campaign_lead_id = cl.id
	AND b.status = 'sent' AND b.step_position = cl.last_step_sent
WHERE 1 = 1 AND (cl.replied_at IS NOT NULL OR cl.status IN ('bounced', 'unsubscribed')
	OR (cl.status = 'suppressed' AND cl.status_reason = 'marked our message as spam'));

INSERT INTO analytics_counts (workspace_id, campaign_id, slot, step_position, variant, sent)
SELECT workspace_id, campaign_id, (CAST(strftime('%s', sent_at) AS INTEGER) / 900), step_position, variant, COUNT(*)
	FROM send_jobs j WHERE 1 = 1 AND status = 'sent' AND sent_at IS NOT NULL
	GROUP BY workspace_id, campaign_id, (CAST(strftime('%s', sent_at) AS INTEGER) / 900), step_position, variant
ON CONFLICT (campaign_id, slot, step_position, variant) DO UPDATE SET sent = analytics_counts.sent + excluded.sent;

INSERT INTO analytics_counts (workspace_id, campaign_id, slot, step_position, variant, replied, positive)
SELECT workspace_id, campaign_id, reply_send_slot, reply_step, reply_variant,
	COUNT(*), SUM(positive) FROM analytics_credits x WHERE 1 = 1 AND reply_slot IS NOT NULL AND reply_step IS NOT NULL
	GROUP BY workspace_id, campaign_id, reply_send_slot, reply_step, reply_variant
ON CONFLICT (campaign_id, slot, step_position, variant) DO UPDATE SET replied = analytics_counts.replied + excluded.replied, positive = analytics_counts.positive + excluded.positive;

INSERT INTO analytics_counts (workspace_id, campaign_id, slot, step_position, variant, replied_on, positive_on)
SELECT workspace_id, campaign_id, reply_slot, COALESCE(reply_step, 0),
	COALESCE(reply_variant, ''), COUNT(*), SUM(positive) FROM analytics_credits x WHERE 1 = 1 AND reply_slot IS NOT NULL
	GROUP BY workspace_id, campaign_id, reply_slot, COALESCE(reply_step, 0), COALESCE(reply_variant, '')
ON CONFLICT (campaign_id, slot, step_position, variant) DO UPDATE SET replied_on = analytics_counts.replied_on + excluded.replied_on, positive_on = analytics_counts.positive_on + excluded.positive_on;

INSERT INTO analytics_counts (workspace_id, campaign_id, slot, step_position, variant, bounced, unsubscribed, complained)
SELECT workspace_id, campaign_id, stop_send_slot, stop_step,
	stop_variant, SUM(CASE WHEN outcome = 'bounced' THEN 1 ELSE 0 END), SUM(CASE WHEN outcome = 'unsubscribed' THEN 1 ELSE 0 END),
	SUM(CASE WHEN outcome = 'complained' THEN 1 ELSE 0 END) FROM analytics_credits x WHERE 1 = 1 AND outcome <> '' AND stop_step IS NOT NULL
	GROUP BY workspace_id, campaign_id, stop_send_slot, stop_step, stop_variant
ON CONFLICT (campaign_id, slot, step_position, variant) DO UPDATE SET bounced = analytics_counts.bounced + excluded.bounced, unsubscribed = analytics_counts.unsubscribed + excluded.unsubscribed, complained = analytics_counts.complained + excluded.complained;

INSERT INTO analytics_counts (workspace_id, campaign_id, slot, step_position, variant, bounced_on, unsubscribed_on, complained_on)
SELECT workspace_id, campaign_id, stop_slot,
	COALESCE(stop_step, 0), COALESCE(stop_variant, ''), SUM(CASE WHEN outcome = 'bounced' THEN 1 ELSE 0 END), SUM(CASE WHEN outcome = 'unsubscribed' THEN 1 ELSE 0 END),
	SUM(CASE WHEN outcome = 'complained' THEN 1 ELSE 0 END) FROM analytics_credits x WHERE 1 = 1 AND outcome <> ''
	GROUP BY workspace_id, campaign_id, stop_slot, COALESCE(stop_step, 0), COALESCE(stop_variant, '')
ON CONFLICT (campaign_id, slot, step_position, variant) DO UPDATE SET bounced_on = analytics_counts.bounced_on + excluded.bounced_on, unsubscribed_on = analytics_counts.unsubscribed_on + excluded.unsubscribed_on, complained_on = analytics_counts.complained_on + excluded.complained_on;

INSERT INTO analytics_mailbox_counts (workspace_id, inbox_id, slot, sent)
SELECT workspace_id, inbox_id, (CAST(strftime('%s', sent_at) AS INTEGER) / 900), COUNT(*)
	FROM send_jobs j WHERE 1 = 1 AND status = 'sent' AND sent_at IS NOT NULL AND inbox_id IS NOT NULL
	GROUP BY workspace_id, inbox_id, (CAST(strftime('%s', sent_at) AS INTEGER) / 900)
ON CONFLICT (inbox_id, slot) DO UPDATE SET sent = analytics_mailbox_counts.sent + excluded.sent;

INSERT INTO analytics_mailbox_counts (workspace_id, inbox_id, slot, replied)
SELECT workspace_id, reply_inbox_id, reply_slot, COUNT(*)
	FROM analytics_credits x WHERE 1 = 1 AND reply_slot IS NOT NULL AND reply_inbox_id IS NOT NULL
	GROUP BY workspace_id, reply_inbox_id, reply_slot
ON CONFLICT (inbox_id, slot) DO UPDATE SET replied = analytics_mailbox_counts.replied + excluded.replied;

INSERT INTO analytics_mailbox_counts (workspace_id, inbox_id, slot, bounced, unsubscribed, complained)
SELECT workspace_id, stop_inbox_id, stop_slot,
	SUM(CASE WHEN outcome = 'bounced' THEN 1 ELSE 0 END), SUM(CASE WHEN outcome = 'unsubscribed' THEN 1 ELSE 0 END),
	SUM(CASE WHEN outcome = 'complained' THEN 1 ELSE 0 END) FROM analytics_credits x WHERE 1 = 1 AND outcome <> '' AND stop_inbox_id IS NOT NULL
	GROUP BY workspace_id, stop_inbox_id, stop_slot
ON CONFLICT (inbox_id, slot) DO UPDATE SET bounced = analytics_mailbox_counts.bounced + excluded.bounced, unsubscribed = analytics_mailbox_counts.unsubscribed + excluded.unsubscribed, complained = analytics_mailbox_counts.complained + excluded.complained;
