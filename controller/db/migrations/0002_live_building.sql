CREATE TABLE `desk_checkins` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`desk_id` text NOT NULL,
	`person_id` integer NOT NULL,
	`at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `desk_checkins_person` ON `desk_checkins` (`person_id`,`at`);--> statement-breakpoint
CREATE TABLE `desk_occupancy` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`desk_id` text NOT NULL,
	`started_at` integer NOT NULL,
	`ended_at` integer
);
--> statement-breakpoint
CREATE INDEX `desk_occupancy_desk` ON `desk_occupancy` (`desk_id`,`started_at`);--> statement-breakpoint
CREATE TABLE `desk_states` (
	`desk_id` text PRIMARY KEY NOT NULL,
	`occupied` integer NOT NULL,
	`battery` integer,
	`changed_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `job_runs` (
	`job` text NOT NULL,
	`period` text NOT NULL,
	`ran_at` integer NOT NULL,
	PRIMARY KEY(`job`, `period`)
);
--> statement-breakpoint
CREATE TABLE `net_counter_state` (
	`meter_id` text NOT NULL,
	`port` text NOT NULL,
	`rx` text NOT NULL,
	`tx` text NOT NULL,
	`width` integer NOT NULL,
	`boot_id` text NOT NULL,
	`uptime_s` integer NOT NULL,
	`at` integer NOT NULL,
	PRIMARY KEY(`meter_id`, `port`)
);
--> statement-breakpoint
CREATE TABLE `net_usage_hourly` (
	`hour` integer NOT NULL,
	`subject_type` text NOT NULL,
	`subject_id` text NOT NULL,
	`rx_bytes` integer NOT NULL,
	`tx_bytes` integer NOT NULL,
	PRIMARY KEY(`hour`, `subject_type`, `subject_id`)
);
--> statement-breakpoint
CREATE TABLE `network_devices` (
	`mac` text PRIMARY KEY NOT NULL,
	`person_id` integer NOT NULL,
	`label` text NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `presence_corrections` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`session_id` integer NOT NULL,
	`by` text NOT NULL,
	`why` text NOT NULL,
	`at` integer NOT NULL,
	`before` text NOT NULL,
	`after` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `presence_sessions` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`person_id` integer NOT NULL,
	`started_at` integer NOT NULL,
	`ended_at` integer,
	`end_reason` text,
	`last_signal_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `presence_sessions_person` ON `presence_sessions` (`person_id`,`started_at`);--> statement-breakpoint
CREATE INDEX `presence_sessions_open` ON `presence_sessions` (`ended_at`);