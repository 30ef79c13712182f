CREATE TABLE `billing_runs` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`period` text NOT NULL,
	`trigger` text NOT NULL,
	`by` text NOT NULL,
	`started_at` integer NOT NULL,
	`finished_at` integer,
	`invoices` integer DEFAULT 0 NOT NULL,
	`error` text
);
--> statement-breakpoint
CREATE INDEX `billing_runs_period` ON `billing_runs` (`period`);--> statement-breakpoint
CREATE TABLE `rated_network` (
	`person_id` integer NOT NULL,
	`period` text NOT NULL,
	`run_id` integer NOT NULL,
	`bytes` integer NOT NULL,
	`invoice_id` integer,
	PRIMARY KEY(`person_id`, `period`, `run_id`)
);
--> statement-breakpoint
CREATE TABLE `rated_records` (
	`source` text NOT NULL,
	`record_id` integer NOT NULL,
	`period` text NOT NULL,
	`invoice_id` integer,
	`run_id` integer NOT NULL,
	PRIMARY KEY(`source`, `record_id`, `period`)
);
--> statement-breakpoint
CREATE TABLE `subscriptions` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`person_id` integer,
	`company_id` integer,
	`plan_id` text NOT NULL,
	`starts_at` integer NOT NULL,
	`ends_at` integer,
	`created_by` text NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`person_id`) REFERENCES `people`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`company_id`) REFERENCES `companies`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `subscriptions_person` ON `subscriptions` (`person_id`);--> statement-breakpoint
CREATE INDEX `subscriptions_company` ON `subscriptions` (`company_id`);