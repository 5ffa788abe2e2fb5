;; The parent spawns two `child` jobs with params "a" and "b". For each it checks the answer is 16 id bytes and
;; job_logs "spawned <id>" with the id formatted as a UUID (normalized to job:1, job:2: the answer is the child's
;; real id). Each child bumps a step counter shared through the instance, logs "child <params> at step <n>" and
;; counts one item. The parent sets the counter to 1 just before returning, so "a at step 2" and "b at step 3"
;; prove the children ran after the parent's run returned, in spawn order, with their params as initial state.
(module
  (import "spacedrive" "register_job" (func $register_job (param i32 i32 i32 i32 i32) (result i32)))
  (import "spacedrive" "job_spawn_child" (func $spawn (param i32 i32 i32 i32 i32) (result i32)))
  (import "spacedrive" "job_log" (func $job_log (param i32 i32 i32 i32)))
  (import "spacedrive" "job_increment_items" (func $items (param i32 i64)))

  (data (i32.const 64) "parent")              ;; 6
  (data (i32.const 72) "execute_parent")      ;; 14
  (data (i32.const 88) "child")               ;; 5
  (data (i32.const 96) "execute_child")       ;; 13
  (data (i32.const 112) "a")                  ;; 1
  (data (i32.const 113) "b")                  ;; 1
  (data (i32.const 116) "spawned ")           ;; 8
  (data (i32.const 124) "child ")             ;; 6
  (data (i32.const 132) " at step ")          ;; 9
  (data (i32.const 144) "0123456789abcdef")   ;; 16

  ;; 0 while the parent runs, 1 once it is about to return; each child adds 1.
  (global $step (mut i32) (i32.const 0))

  (func (export "plugin_init") (result i32)
    (drop (call $register_job (i32.const 64) (i32.const 6) (i32.const 72) (i32.const 14) (i32.const 1)))
    (call $register_job (i32.const 88) (i32.const 5) (i32.const 96) (i32.const 13) (i32.const 1)))

  ;; Writes the 16 bytes at $src as a lowercase hyphenated UUID (36 characters) at $dst.
  (func $format_uuid (param $src i32) (param $dst i32)
    (local $i i32) (local $b i32)
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (i32.const 16)))
        (if (i32.or (i32.or (i32.eq (local.get $i) (i32.const 4)) (i32.eq (local.get $i) (i32.const 6)))
                    (i32.or (i32.eq (local.get $i) (i32.const 8)) (i32.eq (local.get $i) (i32.const 10))))
          (then
            (i32.store8 (local.get $dst) (i32.const 45)) ;; -
            (local.set $dst (i32.add (local.get $dst) (i32.const 1)))))
        (local.set $b (i32.load8_u (i32.add (local.get $src) (local.get $i))))
        (i32.store8 (local.get $dst) (i32.load8_u (i32.add (i32.const 144) (i32.shr_u (local.get $b) (i32.const 4)))))
        (i32.store8 (i32.add (local.get $dst) (i32.const 1)) (i32.load8_u (i32.add (i32.const 144) (i32.and (local.get $b) (i32.const 15)))))
        (local.set $dst (i32.add (local.get $dst) (i32.const 2)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next))))

  ;; Spawns a `child` with the 1-byte params at $params and logs "spawned <child id>"; 0 if the answer is not a
  ;; 16-byte id.
  (func $spawn_child (param $id i32) (param $params i32) (result i32)
    (local $answer i32)
    (local.set $answer (call $spawn (local.get $id) (i32.const 88) (i32.const 5) (local.get $params) (i32.const 1)))
    (if (i32.eqz (local.get $answer)) (then (return (i32.const 0))))
    (if (i32.ne (i32.load (local.get $answer)) (i32.const 16)) (then (return (i32.const 0))))
    (drop (call $copy (i32.const 1024) (i32.const 116) (i32.const 8)))
    (call $format_uuid (i32.add (local.get $answer) (i32.const 4)) (i32.const 1032))
    (call $job_log (local.get $id) (i32.const 1) (i32.const 1024) (i32.const 44))
    (i32.const 1))

  (func (export "execute_parent") (param $ctx i32) (param $ctx_len i32) (param $st i32) (param $st_len i32) (result i32)
    (local $id i32)
    (local.set $id (call $job_id (local.get $ctx)))
    (global.set $step (i32.const 0))
    (if (i32.eqz (call $spawn_child (local.get $id) (i32.const 112))) (then (return (i32.const 2))))
    (if (i32.eqz (call $spawn_child (local.get $id) (i32.const 113))) (then (return (i32.const 2))))
    (global.set $step (i32.const 1))
    (i32.const 0))

  ;; Logs "child <state> at step <n>" and counts one item.
  (func (export "execute_child") (param $ctx i32) (param $ctx_len i32) (param $st i32) (param $st_len i32) (result i32)
    (local $id i32) (local $p i32)
    (local.set $id (call $job_id (local.get $ctx)))
    (global.set $step (i32.add (global.get $step) (i32.const 1)))
    (local.set $p (i32.const 1024))
    (local.set $p (i32.add (local.get $p) (call $copy (local.get $p) (i32.const 124) (i32.const 6))))
    (local.set $p (i32.add (local.get $p) (call $copy (local.get $p) (local.get $st) (local.get $st_len))))
    (local.set $p (i32.add (local.get $p) (call $copy (local.get $p) (i32.const 132) (i32.const 9))))
    (local.set $p (i32.add (local.get $p) (call $write_u32 (local.get $p) (global.get $step))))
    (call $job_log (local.get $id) (i32.const 1) (i32.const 1024) (i32.sub (local.get $p) (i32.const 1024)))
    (call $items (local.get $id) (i64.const 1))
    (i32.const 0))

  ;; @include "../lib/runtime.wat"
)
