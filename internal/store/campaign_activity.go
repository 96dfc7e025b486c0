package store

import (
	"context"
	"time"
)

// CampaignActivity returns when a campaign's messages went out and when its
// leads replied, since `since`, oldest first: the campaign page buckets them
// into the days of the campaign's own time zone, which a GROUP BY on UTC
// dates could not do.
func (s Scope) CampaignActivity(ctx context.Context, campaignID string, since time.Time) (sent, replied []time.Time, err error) {
	sent, err = s.queryTimes(ctx, `SELECT sent_at FROM send_jobs WHERE campaign_id = ? AND workspace_id = ?
		AND status = 'sent' AND sent_at >= ? ORDER BY sent_at`, campaignID, s.ws, since)
	if err != nil {
		return nil, nil, err
	}
	replied, err = s.queryTimes(ctx, `SELECT replied_at FROM campaign_leads WHERE campaign_id = ? AND workspace_id = ?
		AND replied_at >= ? ORDER BY replied_at`, campaignID, s.ws, since)
	return sent, replied, err
}

func (s Scope) queryTimes(ctx context.Context, query string, args ...any) ([]time.Time, error) {
	rows, err := s.query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var list []time.Time
	for rows.Next() {
		var t time.Time
		if err := rows.Scan(&t); err != nil {
			return nil, err
		}
		list = append(list, t.UTC())
	}
	return list, rows.Err()
}
