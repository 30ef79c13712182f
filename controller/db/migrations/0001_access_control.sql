CREATE TABLE `access_decisions` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`event_id` integer,
	`at` integer NOT NULL,
	`device_ts` integer,
	`door_id` text NOT NULL,
	`device_id` text,
	`uid` text,
	`credential_id` integer,
	`person_id` integer,
	`grant` integer NOT NULL,
	`reason` text NOT NULL,
	`source` text NOT NULL,
	`alert` text
);
--> statement-breakpoint
CREATE INDEX `access_decisions_at` ON `access_decisions` (`at`);--> statement-breakpoint
CREATE INDEX `access_decisions_person` ON `access_decisions` (`person_id`,`at`);--> statement-breakpoint
CREATE TABLE `access_grants` (
	`group_id` integer NOT NULL,
	`zone_id` text NOT NULL,
	`schedule_id` integer NOT NULL,
	PRIMARY KEY(`group_id`, `zone_id`, `schedule_id`),
	FOREIGN KEY (`group_id`) REFERENCES `access_groups`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`schedule_id`) REFERENCES `schedules`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `access_groups` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`name` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `access_groups_name_unique` ON `access_groups` (`name`);--> statement-breakpoint
CREATE TABLE `alarms` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`kind` text NOT NULL,
	`door_id` text NOT NULL,
	`detail` text DEFAULT '' NOT NULL,
	`raised_at` integer NOT NULL,
	`acked_by` text,
	`acked_at` integer,
	`comment` text
);
--> statement-breakpoint
CREATE INDEX `alarms_open` ON `alarms` (`acked_at`,`raised_at`);--> statement-breakpoint
CREATE TABLE `closures` (
	`date` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `companies` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`name` text NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `companies_name_unique` ON `companies` (`name`);--> statement-breakpoint
CREATE TABLE `credentials` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`person_id` integer NOT NULL,
	`uid` text NOT NULL,
	`pin_hash` text,
	`status` text DEFAULT 'active' NOT NULL,
	`valid_from` integer,
	`valid_until` integer,
	`created_at` integer NOT NULL,
	`status_changed_at` integer,
	FOREIGN KEY (`person_id`) REFERENCES `people`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `credentials_uid_unique` ON `credentials` (`uid`);--> statement-breakpoint
CREATE INDEX `credentials_person` ON `credentials` (`person_id`);--> statement-breakpoint
CREATE TABLE `door_policies` (
	`door_id` text PRIMARY KEY NOT NULL,
	`mode` text DEFAULT 'normal' NOT NULL,
	`unlock_slots` text DEFAULT '[]' NOT NULL,
	`updated_by` text,
	`updated_at` integer
);
--> statement-breakpoint
CREATE TABLE `emergencies` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`mode` text NOT NULL,
	`reason` text NOT NULL,
	`set_by` text NOT NULL,
	`set_at` integer NOT NULL,
	`revert_at` integer,
	`ended_by` text,
	`ended_at` integer
);
--> statement-breakpoint
CREATE TABLE `group_memberships` (
	`person_id` integer NOT NULL,
	`group_id` integer NOT NULL,
	`valid_from` integer,
	`valid_until` integer,
	PRIMARY KEY(`person_id`, `group_id`),
	FOREIGN KEY (`person_id`) REFERENCES `people`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`group_id`) REFERENCES `access_groups`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `passages` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`decision_id` integer NOT NULL,
	`door_id` text NOT NULL,
	`person_id` integer,
	`from_zone` text NOT NULL,
	`to_zone` text NOT NULL,
	`at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `passages_person` ON `passages` (`person_id`,`at`);--> statement-breakpoint
CREATE INDEX `passages_at` ON `passages` (`at`);--> statement-breakpoint
CREATE TABLE `passback` (
	`person_id` integer PRIMARY KEY NOT NULL,
	`side` text NOT NULL,
	`at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `people` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`kind` text NOT NULL,
	`name` text NOT NULL,
	`email` text,
	`company_id` integer,
	`user_id` integer,
	`active` integer DEFAULT true NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`company_id`) REFERENCES `companies`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `schedules` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`name` text NOT NULL,
	`slots` text NOT NULL,
	`open_on_holidays` integer DEFAULT false NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `schedules_name_unique` ON `schedules` (`name`);--> statement-breakpoint
CREATE TABLE `settings` (
	`key` text PRIMARY KEY NOT NULL,
	`value` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `training_enrollments` (
	`session_id` integer NOT NULL,
	`person_id` integer NOT NULL,
	PRIMARY KEY(`session_id`, `person_id`),
	FOREIGN KEY (`session_id`) REFERENCES `training_sessions`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`person_id`) REFERENCES `people`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `training_sessions` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`zone_id` text NOT NULL,
	`name` text NOT NULL,
	`starts_at` integer NOT NULL,
	`ends_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `visitor_passes` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`person_id` integer NOT NULL,
	`host_person_id` integer NOT NULL,
	`valid_from` integer NOT NULL,
	`valid_until` integer NOT NULL,
	`max_uses` integer,
	`uses` integer DEFAULT 0 NOT NULL,
	`zone_ids` text NOT NULL,
	`created_by` text NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`person_id`) REFERENCES `people`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`host_person_id`) REFERENCES `people`(`id`) ON UPDATE no action ON DELETE no action
);
