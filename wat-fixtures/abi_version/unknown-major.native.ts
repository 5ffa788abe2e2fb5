import { helloTwin } from "./hello.native.ts";

/** unknown-major.wat exports spacedrive_abi_version_9_0. */
export default helloTwin("9.0");
