-- Rows as the platform writes them: two users, a direct and a batch simulation with tasks, inputs,
-- results and logs. Blobs are gzip bytes (their content does not matter here, only that they survive).
INSERT INTO "User" (username, auth_provider) VALUES ('alice', 'YaptideUser'), ('bob', 'KeycloakUser');
INSERT INTO "YaptideUser" (id, password_hash) VALUES
  (1, 'scrypt:32768:8:1$abcdefghijklmnop$' || repeat('ab', 64));
INSERT INTO "KeycloakUser" (id, cert, private_key) VALUES (2, 'CERT', NULL);
INSERT INTO "Cluster" (cluster_name) VALUES ('ares'), ('prometheus');
INSERT INTO "Simulation" (job_id, user_id, start_time, end_time, title, platform, input_type, sim_type, job_state) VALUES
  ('20240611-101500-6f1c2a4e-0d1b-4a8e-9a65-2f7d1b0c9e11DIRECT', 1, '2024-06-11 10:15:00+00', '2024-06-11 10:20:00+00',
   'water phantom', 'DIRECT', 'EDITOR', 'shieldhit', 'COMPLETED'),
  ('20240612-080000-1a2b3c4d-5e6f-4a1b-8c9d-0e1f2a3b4c5dBATCH', 2, '2024-06-12 08:00:00+00', NULL,
   'proton beam', 'BATCH', 'FILES', 'topas', 'RUNNING');
INSERT INTO "CelerySimulation" (id, merge_id) VALUES (1, 'merge-1');
INSERT INTO "BatchSimulation" (id, cluster_id, job_dir, array_id, collect_id) VALUES (2, 1, '/scratch/job', 101, 102);
INSERT INTO "Task" (simulation_id, task_id, requested_primaries, simulated_primaries, task_state, estimated_time,
                    start_time, end_time, platform, last_update_time) VALUES
  (1, 0, 1000, 1000, 'COMPLETED', NULL, '2024-06-11 10:15:01+00', '2024-06-11 10:19:00+00', 'DIRECT', '2024-06-11 10:19:00+00'),
  (1, 1, 1000, 1000, 'COMPLETED', NULL, '2024-06-11 10:15:01+00', '2024-06-11 10:19:30+00', 'DIRECT', '2024-06-11 10:19:30+00'),
  (2, 1, 5000, 1200, 'RUNNING', 300, '2024-06-12 08:00:05+00', NULL, 'BATCH', '2024-06-12 08:05:00+00');
INSERT INTO "CeleryTask" (id, celery_id) VALUES (1, 'c-1'), (2, '');
INSERT INTO "BatchTask" (id) VALUES (3);
INSERT INTO "Input" (simulation_id, compressed_data) VALUES (1, '\x1f8b0800000000000203ab560a0a00'), (2, NULL);
INSERT INTO "Estimator" (simulation_id, name, file_name, compressed_data) VALUES
  (1, 'z_profile', 'z_profile.bdo', '\x1f8b08000000000002034b'),
  (1, 'yz_profile', 'yz_profile.bdo', NULL);
INSERT INTO "Page" (estimator_id, page_number, compressed_data, page_name, page_dimension) VALUES
  (1, 0, '\x1f8b0800000000000203aa', 'dose', 1),
  (1, 1, '\x1f8b0800000000000203ab', 'fluence', 1),
  (2, 0, '\x1f8b0800000000000203ac', 'dose', 2);
INSERT INTO "Logfiles" (simulation_id, compressed_data) VALUES (1, '\x1f8b0800000000000203ad');
