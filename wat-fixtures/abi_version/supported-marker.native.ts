import { helloTwin } from "./hello.native.ts";

/** supported-marker.wat exports spacedrive_abi_version_1_0. */
export default helloTwin("1.0");
