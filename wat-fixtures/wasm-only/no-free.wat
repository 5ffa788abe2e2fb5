;; WASM-only: the host never calls wasm_free (memory.no-free). This guest's wasm_free counts its calls. The job's first
;; run checkpoints and returns 1 (it pauses itself); resumed, it loads its state, spawns a child, and logs the count;
;; the child and plugin_cleanup log it too. Every count must be 0.
(module
  (import "spacedrive" "register_job" (func $register_job (param i32 i32 i32 i32 i32) (result i32)))
  (import "spacedrive" "job_checkpoint" (func $checkpoint (param i32 i32 i32) (result i32)))
  (import "spacedrive" "job_load_state" (func $load_state (param i32) (result i32)))
  (import "spacedrive" "job_spawn_child" (func $spawn (param i32 i32 i32 i32 i32) (result i32)))
  (import "spacedrive" "spacedrive_log" (func $log (param i32 i32 i32)))

  (memory (export "memory") 1)
  (global $heap (mut i32) (i32.const 4096))
  (global $frees (mut i32) (i32.const 0))

  (data (i32.const 64) "job")                ;; 3
  (data (i32.const 72) "execute_job")        ;; 11
  (data (i32.const 88) "leaf")               ;; 4
  (data (i32.const 96) "execute_leaf")       ;; 12
  (data (i32.const 112) "frees=")            ;; 6
  (data (i32.const 120) "state")             ;; 5

  (func (export "wasm_alloc") (param $size i32) (result i32)
    (local $ptr i32)
    (local.set $ptr (global.get $heap))
    (global.set $heap (i32.add (global.get $heap) (i32.and (i32.add (local.get $size) (i32.const 7)) (i32.const -8))))
    (local.get $ptr))

  (func (export "wasm_free") (param i32 i32)
    (global.set $frees (i32.add (global.get $frees) (i32.const 1))))

  ;; Logs "frees=N" (N < 10).
  (func $report
    (i32.store8 (i32.const 118) (i32.add (i32.const 48) (global.get $frees)))
    (call $log (i32.const 1) (i32.const 112) (i32.const 7)))

  ;; The job id from the context (its 36 characters start at ctx + 11) as 16 bytes at 32.
  (func $job_id (param $ctx i32) (result i32)
    (local $i i32) (local $src i32) (local $hi i32) (local $lo i32)
    (local.set $src (i32.add (local.get $ctx) (i32.const 11)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (i32.const 16)))
        (if (i32.eq (i32.load8_u (local.get $src)) (i32.const 45)) (then (local.set $src (i32.add (local.get $src) (i32.const 1)))))
        (local.set $hi (call $hex (i32.load8_u (local.get $src))))
        (local.set $lo (call $hex (i32.load8_u (i32.add (local.get $src) (i32.const 1)))))
        (i32.store8 (i32.add (i32.const 32) (local.get $i)) (i32.or (i32.shl (local.get $hi) (i32.const 4)) (local.get $lo)))
        (local.set $src (i32.add (local.get $src) (i32.const 2)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (i32.const 32))
  (func $hex (param $c i32) (result i32)
    (if (result i32) (i32.ge_u (local.get $c) (i32.const 97))
      (then (i32.sub (local.get $c) (i32.const 87)))
      (else (i32.sub (local.get $c) (i32.const 48)))))

  (func (export "plugin_init") (result i32)
    (drop (call $register_job (i32.const 64) (i32.const 3) (i32.const 72) (i32.const 11) (i32.const 1)))
    (call $register_job (i32.const 88) (i32.const 4) (i32.const 96) (i32.const 12) (i32.const 1)))

  (func (export "plugin_cleanup") (result i32)
    (call $report)
    (i32.const 0))

  (func (export "execute_job") (param $ctx i32) (param $ctx_len i32) (param $st i32) (param $st_len i32) (result i32)
    (local $id i32)
    (local.set $id (call $job_id (local.get $ctx)))
    (if (i32.eqz (local.get $st_len))
      (then
        (drop (call $checkpoint (local.get $id) (i32.const 120) (i32.const 5)))
        (return (i32.const 1))))
    (drop (call $load_state (local.get $id)))
    (drop (call $spawn (local.get $id) (i32.const 88) (i32.const 4) (i32.const 120) (i32.const 5)))
    (call $report)
    (i32.const 0))

  (func (export "execute_leaf") (param $ctx i32) (param $ctx_len i32) (param $st i32) (param $st_len i32) (result i32)
    (call $report)
    (i32.const 0))
)
