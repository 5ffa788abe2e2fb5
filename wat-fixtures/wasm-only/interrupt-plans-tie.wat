;; WASM-only: interrupt plans that come due at the same moment (interrupt.plans). Each run's first host call is a
;; job_check_interrupt, so it is both call 1 and check 1 of the run. The scenario lists, for run 0, a cancel atCheck 1
;; and then a pause atCall 1: a call counts toward atCall plans before atCheck plans, so the pause is the request
;; whatever the list order, and the check answers 1. For run 1 (the resume) it lists a cancel atCheck 1 and then a
;; pause atCheck 1: the first listed is the request, and the check answers 2. The job returns 1 on a non-zero answer
;; (Paused, then Cancelled) and 0 otherwise; the answers are in its interrupt_check events.
(module
  (import "spacedrive" "register_job" (func $register_job (param i32 i32 i32 i32 i32) (result i32)))
  (import "spacedrive" "job_check_interrupt" (func $check_interrupt (param i32) (result i32)))

  (data (i32.const 64) "tie")                 ;; 3
  (data (i32.const 72) "execute_tie")         ;; 11

  (func (export "plugin_init") (result i32)
    (call $register_job (i32.const 64) (i32.const 3) (i32.const 72) (i32.const 11) (i32.const 1)))

  (func (export "execute_tie") (param $ctx i32) (param $ctx_len i32) (param $st i32) (param $st_len i32) (result i32)
    ;; call 1, check 1: the plans of this run come due here
    (if (result i32) (call $check_interrupt (call $job_id (local.get $ctx)))
      (then (i32.const 1))
      (else (i32.const 0))))

  ;; @include "../lib/runtime.wat"
)
