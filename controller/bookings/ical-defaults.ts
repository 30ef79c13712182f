/** The iCalendar feeds' settings (apart from ical.ts, which loads ical-generator only when a feed is asked for). */
export const icalDefaults = {
  pastDays: 30, // a feed shows the last 30 days and everything ahead
  refreshMinutes: 15, // calendar apps are asked to look again every 15 minutes
  bookedSummary: 'Réservé', // a member's booking in a feed anyone with the URL can read: no title, no name
};
