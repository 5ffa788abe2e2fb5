;; job_load_state before any checkpoint answers 0; after a checkpoint it answers a pointer to the u32-LE length and
;; the bytes of the latest one. The job logs what it loaded (so the value reaches the trace) and checks length and
;; bytes itself, returning 2 on any mismatch.
(module
  (import "spacedrive" "register_job" (func $register_job (param i32 i32 i32 i32 i32) (result i32)))
  (import "spacedrive" "job_checkpoint" (func $checkpoint (param i32 i32 i32) (result i32)))
  (import "spacedrive" "job_load_state" (func $load_state (param i32) (result i32)))
  (import "spacedrive" "job_log" (func $job_log (param i32 i32 i32 i32)))

  (data (i32.const 64) "roundtrip")           ;; 9
  (data (i32.const 80) "execute_roundtrip")   ;; 17
  (data (i32.const 112) "none")               ;; 4
  (data (i32.const 120) "alpha")              ;; 5
  (data (i32.const 128) "beta")               ;; 4

  (func (export "plugin_init") (result i32)
    (call $register_job (i32.const 64) (i32.const 9) (i32.const 80) (i32.const 17) (i32.const 1)))

  ;; 1 if the length-prefixed answer at $answer holds exactly the $len bytes at $text.
  (func $holds (param $answer i32) (param $text i32) (param $len i32) (result i32)
    (local $i i32)
    (if (i32.ne (i32.load (local.get $answer)) (local.get $len)) (then (return (i32.const 0))))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $len)))
        (if (i32.ne (i32.load8_u (i32.add (i32.add (local.get $answer) (i32.const 4)) (local.get $i)))
                    (i32.load8_u (i32.add (local.get $text) (local.get $i))))
          (then (return (i32.const 0))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (i32.const 1))

  ;; Checkpoints the $len bytes at $text, loads the state back, logs it and checks it; 0 if all held, else 2.
  (func $roundtrip (param $id i32) (param $text i32) (param $len i32) (result i32)
    (local $answer i32)
    (if (call $checkpoint (local.get $id) (local.get $text) (local.get $len)) (then (return (i32.const 2))))
    (local.set $answer (call $load_state (local.get $id)))
    (if (i32.eqz (local.get $answer)) (then (return (i32.const 2))))
    (call $job_log (local.get $id) (i32.const 1) (i32.add (local.get $answer) (i32.const 4)) (i32.load (local.get $answer)))
    (if (result i32) (call $holds (local.get $answer) (local.get $text) (local.get $len))
      (then (i32.const 0))
      (else (i32.const 2))))

  (func (export "execute_roundtrip") (param $ctx i32) (param $ctx_len i32) (param $st i32) (param $st_len i32) (result i32)
    (local $id i32)
    (local.set $id (call $job_id (local.get $ctx)))
    ;; nothing saved yet: 0
    (if (call $load_state (local.get $id)) (then (return (i32.const 2))))
    (call $job_log (local.get $id) (i32.const 1) (i32.const 112) (i32.const 4))
    (if (call $roundtrip (local.get $id) (i32.const 120) (i32.const 5)) (then (return (i32.const 2))))
    (if (call $roundtrip (local.get $id) (i32.const 128) (i32.const 4)) (then (return (i32.const 2))))
    (i32.const 0))

  ;; @include "../lib/runtime.wat"
)
