;; Forged job ids. The root `victim` checks for an interrupt (the scenario pauses it at its first check),
;; checkpoints "victim-state", counts 1 item, reports progress 0.5, spawns `early`, `forger` and `bystander` (keeping
;; early's and bystander's ids from the spawn answers at 2064 and 2080, its own at 2048) and returns 1: it is Paused
;; while its children run, and resumed after them. `early` checkpoints, counts 2 items and completes. `forger` then
;; names five jobs that are not itself (the Paused victim, the finished early, the Queued bystander, the all-zero id
;; and a random one) and calls, with each id, checkpoint, load_state, check_interrupt, progress, increment_items,
;; increment_bytes, add_warning, add_non_critical_error, job_log and spawn_child: all 50 calls are refused with
;; NOT_RUNNING_JOB on the forger's own trace, and it logs what the status calls answered under its own id
;; ("victim: checkpoint=2 load=0 interrupt=0 spawn=0", ...). `bystander` loads its state (none) and completes. The
;; victim resumes, loads "victim-state" and completes. Nothing of victim, early or bystander changed.
(module
  (import "spacedrive" "register_job" (func $register_job (param i32 i32 i32 i32 i32) (result i32)))
  (import "spacedrive" "job_check_interrupt" (func $check_interrupt (param i32) (result i32)))
  (import "spacedrive" "job_checkpoint" (func $checkpoint (param i32 i32 i32) (result i32)))
  (import "spacedrive" "job_load_state" (func $load_state (param i32) (result i32)))
  (import "spacedrive" "job_report_progress" (func $progress (param i32 f32 i32 i32)))
  (import "spacedrive" "job_increment_items" (func $items (param i32 i64)))
  (import "spacedrive" "job_increment_bytes" (func $bytes (param i32 i64)))
  (import "spacedrive" "job_add_warning" (func $warning (param i32 i32 i32)))
  (import "spacedrive" "job_add_non_critical_error" (func $error (param i32 i32 i32)))
  (import "spacedrive" "job_log" (func $job_log (param i32 i32 i32 i32)))
  (import "spacedrive" "job_spawn_child" (func $spawn (param i32 i32 i32 i32 i32) (result i32)))

  (data (i32.const 64) "victim")                          ;; 6
  (data (i32.const 72) "early")                           ;; 5
  (data (i32.const 80) "forger")                          ;; 6
  (data (i32.const 88) "bystander")                       ;; 9
  (data (i32.const 112) "execute_victim")                 ;; 14
  (data (i32.const 128) "execute_early")                  ;; 13
  (data (i32.const 144) "execute_forger")                 ;; 14
  (data (i32.const 160) "execute_bystander")              ;; 17
  (data (i32.const 184) "victim-state")                   ;; 12
  (data (i32.const 200) "early-state")                    ;; 11
  (data (i32.const 216) "forged")                         ;; 6
  (data (i32.const 224) "zero")                           ;; 4
  (data (i32.const 232) "random")                         ;; 6
  (data (i32.const 240) ": checkpoint=")                  ;; 13
  (data (i32.const 256) " load=")                         ;; 6
  (data (i32.const 264) " interrupt=")                    ;; 11
  (data (i32.const 280) " spawn=")                        ;; 7
  (data (i32.const 288) "bystander: load=")               ;; 16
  ;; c0ffee00-1234-4abc-8def-0123456789ab
  (data (i32.const 2112) "\c0\ff\ee\00\12\34\4a\bc\8d\ef\01\23\45\67\89\ab")

  (global $VICTIM_ID i32 (i32.const 2048))
  (global $EARLY_ID i32 (i32.const 2064))
  (global $BYSTANDER_ID i32 (i32.const 2080))
  (global $ZERO_ID i32 (i32.const 2096))                  ;; never written: 16 zero bytes
  (global $RANDOM_ID i32 (i32.const 2112))

  (func (export "plugin_init") (result i32)
    (drop (call $register_job (i32.const 64) (i32.const 6) (i32.const 112) (i32.const 14) (i32.const 1)))
    (drop (call $register_job (i32.const 72) (i32.const 5) (i32.const 128) (i32.const 13) (i32.const 1)))
    (drop (call $register_job (i32.const 80) (i32.const 6) (i32.const 144) (i32.const 14) (i32.const 1)))
    (call $register_job (i32.const 88) (i32.const 9) (i32.const 160) (i32.const 17) (i32.const 1)))

  ;; Spawns a child of the type at [$type, +$len) with no params; copies its id to $keep (if non-zero).
  (func $spawn_keep (param $id i32) (param $type i32) (param $len i32) (param $keep i32) (result i32)
    (local $answer i32)
    (local.set $answer (call $spawn (local.get $id) (local.get $type) (local.get $len) (i32.const 0) (i32.const 0)))
    (if (i32.eqz (local.get $answer)) (then (return (i32.const 0))))
    (if (local.get $keep) (then (drop (call $copy (local.get $keep) (i32.add (local.get $answer) (i32.const 4)) (i32.const 16)))))
    (i32.const 1))

  (func (export "execute_victim") (param $ctx i32) (param $ctx_len i32) (param $st i32) (param $st_len i32) (result i32)
    (local $id i32)
    (local.set $id (call $job_id (local.get $ctx)))
    (if (local.get $st_len)
      (then
        ;; the resume: the checkpoint must still be "victim-state"
        (drop (call $load_state (local.get $id)))
        (return (i32.const 0))))
    (drop (call $copy (global.get $VICTIM_ID) (local.get $id) (i32.const 16)))
    (drop (call $check_interrupt (local.get $id)))
    (drop (call $checkpoint (local.get $id) (i32.const 184) (i32.const 12)))
    (call $items (local.get $id) (i64.const 1))
    (call $progress (local.get $id) (f32.const 0.5) (i32.const 64) (i32.const 6))
    (if (i32.eqz (call $spawn_keep (local.get $id) (i32.const 72) (i32.const 5) (global.get $EARLY_ID))) (then (return (i32.const 2))))
    (if (i32.eqz (call $spawn_keep (local.get $id) (i32.const 80) (i32.const 6) (i32.const 0))) (then (return (i32.const 2))))
    (if (i32.eqz (call $spawn_keep (local.get $id) (i32.const 88) (i32.const 9) (global.get $BYSTANDER_ID))) (then (return (i32.const 2))))
    (i32.const 1))

  (func (export "execute_early") (param $ctx i32) (param $ctx_len i32) (param $st i32) (param $st_len i32) (result i32)
    (local $id i32)
    (local.set $id (call $job_id (local.get $ctx)))
    (drop (call $checkpoint (local.get $id) (i32.const 200) (i32.const 11)))
    (call $items (local.get $id) (i64.const 2))
    (i32.const 0))

  ;; Every job call with the forged id $victim; then "<name>: checkpoint=.. load=.. interrupt=.. spawn=.." under $own.
  (func $forge (param $own i32) (param $victim i32) (param $name i32) (param $name_len i32)
    (local $checkpoint i32) (local $load i32) (local $interrupt i32) (local $spawned i32) (local $p i32)
    (local.set $checkpoint (call $checkpoint (local.get $victim) (i32.const 216) (i32.const 6)))
    (local.set $load (call $load_state (local.get $victim)))
    (local.set $interrupt (call $check_interrupt (local.get $victim)))
    (call $progress (local.get $victim) (f32.const 1) (i32.const 216) (i32.const 6))
    (call $items (local.get $victim) (i64.const 5))
    (call $bytes (local.get $victim) (i64.const 7))
    (call $warning (local.get $victim) (i32.const 216) (i32.const 6))
    (call $error (local.get $victim) (i32.const 216) (i32.const 6))
    (call $job_log (local.get $victim) (i32.const 1) (i32.const 216) (i32.const 6))
    (local.set $spawned (call $spawn (local.get $victim) (i32.const 72) (i32.const 5) (i32.const 0) (i32.const 0)))
    (local.set $p (i32.add (i32.const 1024) (call $copy (i32.const 1024) (local.get $name) (local.get $name_len))))
    (local.set $p (i32.add (local.get $p) (call $copy (local.get $p) (i32.const 240) (i32.const 13))))
    (local.set $p (i32.add (local.get $p) (call $write_u32 (local.get $p) (local.get $checkpoint))))
    (local.set $p (i32.add (local.get $p) (call $copy (local.get $p) (i32.const 256) (i32.const 6))))
    (local.set $p (i32.add (local.get $p) (call $write_u32 (local.get $p) (local.get $load))))
    (local.set $p (i32.add (local.get $p) (call $copy (local.get $p) (i32.const 264) (i32.const 11))))
    (local.set $p (i32.add (local.get $p) (call $write_u32 (local.get $p) (local.get $interrupt))))
    (local.set $p (i32.add (local.get $p) (call $copy (local.get $p) (i32.const 280) (i32.const 7))))
    (local.set $p (i32.add (local.get $p) (call $write_u32 (local.get $p) (local.get $spawned))))
    (call $job_log (local.get $own) (i32.const 1) (i32.const 1024) (i32.sub (local.get $p) (i32.const 1024))))

  (func (export "execute_forger") (param $ctx i32) (param $ctx_len i32) (param $st i32) (param $st_len i32) (result i32)
    (local $id i32)
    (local.set $id (call $job_id (local.get $ctx)))
    (call $forge (local.get $id) (global.get $VICTIM_ID) (i32.const 64) (i32.const 6))
    (call $forge (local.get $id) (global.get $EARLY_ID) (i32.const 72) (i32.const 5))
    (call $forge (local.get $id) (global.get $BYSTANDER_ID) (i32.const 88) (i32.const 9))
    (call $forge (local.get $id) (global.get $ZERO_ID) (i32.const 224) (i32.const 4))
    (call $forge (local.get $id) (global.get $RANDOM_ID) (i32.const 232) (i32.const 6))
    (i32.const 0))

  (func (export "execute_bystander") (param $ctx i32) (param $ctx_len i32) (param $st i32) (param $st_len i32) (result i32)
    (local $id i32)
    (local.set $id (call $job_id (local.get $ctx)))
    (drop (call $copy (i32.const 1024) (i32.const 288) (i32.const 16)))
    (call $job_log (local.get $id) (i32.const 1) (i32.const 1024)
      (i32.add (i32.const 16) (call $write_u32 (i32.const 1040) (call $load_state (local.get $id)))))
    (i32.const 0))

  ;; @include "../lib/runtime.wat"
)
