// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {ReentrancyGuard} from "@openzeppelin/contracts/utils/ReentrancyGuard.sol";
import {CheatCodes} from "./Vm.sol";

/// A guarded contract that calls back into itself: OpenZeppelin's import resolves and its guard
/// works.
contract Guarded is ReentrancyGuard {
    uint256 public calls;

    function enter(bool again) external nonReentrant {
        calls++;
        if (again) this.enter(false);
    }
}

/// The toolchain itself: OpenZeppelin from npm compiles, the cheatcodes of Vm.sol answer.
contract ToolchainTest is CheatCodes {
    function test_openZeppelinImportAndGuard() public {
        Guarded g = new Guarded();
        g.enter(false);
        require(g.calls() == 1, "one call");
        vm.expectRevert(ReentrancyGuard.ReentrancyGuardReentrantCall.selector);
        g.enter(true);
        require(g.calls() == 1, "reentrant call reverted");
    }

    function test_warp() public {
        vm.warp(1_000_000);
        require(block.timestamp == 1_000_000, "warp");
    }
}
