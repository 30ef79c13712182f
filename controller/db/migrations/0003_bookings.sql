CREATE TABLE `booking_feeds` (
	`resource_id` text PRIMARY KEY NOT NULL,
	`token` text NOT NULL,
	`created_by` text NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `booking_feeds_token` ON `booking_feeds` (`token`);--> statement-breakpoint
CREATE TABLE `booking_guests` (
	`booking_id` integer NOT NULL,
	`person_id` integer NOT NULL,
	PRIMARY KEY(`booking_id`, `person_id`),
	FOREIGN KEY (`booking_id`) REFERENCES `bookings`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`person_id`) REFERENCES `people`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `booking_guests_person` ON `booking_guests` (`person_id`);--> statement-breakpoint
CREATE TABLE `booking_notices` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`booking_id` integer NOT NULL,
	`resource_id` text NOT NULL,
	`kind` text NOT NULL,
	`at` integer NOT NULL,
	`detail` text NOT NULL,
	FOREIGN KEY (`booking_id`) REFERENCES `bookings`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `booking_notices_once` ON `booking_notices` (`booking_id`,`kind`);--> statement-breakpoint
CREATE INDEX `booking_notices_at` ON `booking_notices` (`at`);--> statement-breakpoint
CREATE TABLE `bookings` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`resource_id` text NOT NULL,
	`resource_kind` text NOT NULL,
	`zone_id` text NOT NULL,
	`person_id` integer,
	`kind` text NOT NULL,
	`title` text,
	`starts_at` integer NOT NULL,
	`ends_at` integer NOT NULL,
	`status` text DEFAULT 'confirmed' NOT NULL,
	`access_from` integer NOT NULL,
	`access_until` integer NOT NULL,
	`created_by` text NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`cancelled_at` integer,
	`cancelled_by` text,
	`released_at` integer,
	`release_evidence` text,
	`checked_in_at` integer,
	FOREIGN KEY (`person_id`) REFERENCES `people`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `bookings_resource` ON `bookings` (`resource_id`,`starts_at`);--> statement-breakpoint
CREATE INDEX `bookings_person` ON `bookings` (`person_id`,`starts_at`);--> statement-breakpoint
CREATE INDEX `bookings_status` ON `bookings` (`status`,`starts_at`);--> statement-breakpoint
-- Written by hand (drizzle-kit does not manage triggers): no double booking, enforced by the
-- database, not only by the code. SQLite has no exclusion constraint, so every insert and every
-- update of the times or the status checks the other active rows of the resource. An active row
-- is confirmed (a booking or a block), or released, which occupies only [starts_at, released_at).
-- SQLite lets one writer at a time run, so two connections cannot both pass the check.
CREATE TRIGGER `bookings_no_overlap_insert` BEFORE INSERT ON `bookings`
WHEN NEW.`status` <> 'cancelled'
BEGIN
	SELECT RAISE(ABORT, 'booking_times') WHERE NEW.`ends_at` <= NEW.`starts_at`
		OR (NEW.`status` = 'released' AND NEW.`released_at` IS NULL);
	SELECT RAISE(ABORT, 'booking_overlap') WHERE EXISTS (
		SELECT 1 FROM `bookings` b
		WHERE b.`resource_id` = NEW.`resource_id` AND b.`status` <> 'cancelled'
			AND b.`starts_at` < (CASE WHEN NEW.`status` = 'released' THEN NEW.`released_at` ELSE NEW.`ends_at` END)
			AND (CASE WHEN b.`status` = 'released' THEN b.`released_at` ELSE b.`ends_at` END) > NEW.`starts_at`
	);
END;
--> statement-breakpoint
CREATE TRIGGER `bookings_no_overlap_update` BEFORE UPDATE OF `resource_id`, `starts_at`, `ends_at`, `status`, `released_at` ON `bookings`
WHEN NEW.`status` <> 'cancelled'
BEGIN
	SELECT RAISE(ABORT, 'booking_times') WHERE NEW.`ends_at` <= NEW.`starts_at`
		OR (NEW.`status` = 'released' AND NEW.`released_at` IS NULL);
	SELECT RAISE(ABORT, 'booking_overlap') WHERE EXISTS (
		SELECT 1 FROM `bookings` b
		WHERE b.`resource_id` = NEW.`resource_id` AND b.`status` <> 'cancelled' AND b.`id` <> NEW.`id`
			AND b.`starts_at` < (CASE WHEN NEW.`status` = 'released' THEN NEW.`released_at` ELSE NEW.`ends_at` END)
			AND (CASE WHEN b.`status` = 'released' THEN b.`released_at` ELSE b.`ends_at` END) > NEW.`starts_at`
	);
END;
