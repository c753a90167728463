"""The actor-learner loop of IMPALA (section 3), on one CPU thread, with a controllable lag.

Actors act with an old copy of the learner's parameters: a queue holds the last ``lag + 1``
snapshots, and every unroll is played with the oldest, so the behaviour policy μ is the target
policy π of ``lag`` updates ago (lag 0: on-policy). The learner receives a batch of ``actors``
unrolls of ``unroll`` steps each, computes the targets of one of the three methods
(``vtrace.targets``) with its current network, and takes one optimiser step on

    loss = − mean(ρ_s A_s log π(a_s|x_s)) + baseline_cost · ½ mean((v_s − V(x_s))²)
           − entropy_cost · mean(H(π(·|x_s)))                              (section 4.2)

The actors' environments run on across unrolls, as IMPALA's do; an episode cut by CartPole's
500-step limit is treated as ended (its last discount is 0), which CartPole's short horizon allows.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F

from .model import ActorCritic, Config
from .task import make_env, train_seed
from .vtrace import targets


@dataclass
class LearnConfig:
    """One actor-learner run (the defaults made the bundled policies, learning rate aside)."""

    method: str = "vtrace"
    lag: int = 0
    lr: float = 1e-3
    updates: int = 1500
    actors: int = 8
    unroll: int = 20
    discount: float = 0.99
    rho_bar: float = 1.0
    c_bar: float = 1.0
    baseline_cost: float = 0.5
    entropy_cost: float = 0.01
    max_grad_norm: float = 5.0
    reward_scale: float = 0.1  # keeps V(x) in a few units (returns reach 500)
    seed: int = 0


@dataclass
class LearnResult:
    model: ActorCritic
    updates: int
    episodes: int
    curve: list[dict[str, float]] = field(default_factory=list)  # return vs updates
    last_loss: float = float("nan")
    mean_rho: float = float("nan")


class NumpyPolicy:
    """The behaviour policy of a parameter snapshot, evaluated in NumPy (an actor needs no autograd,
    and a [8, 4] forward pass is many times cheaper there than through torch's dispatcher)."""

    def __init__(self, state: dict[str, torch.Tensor]) -> None:
        self.layers = [
            (state[f"torso.{i}.weight"].numpy().T.copy(), state[f"torso.{i}.bias"].numpy().copy())
            for i in (0, 2)
        ]
        self.head = (state["policy.weight"].numpy().T.copy(), state["policy.bias"].numpy().copy())

    def log_probs(self, obs: np.ndarray) -> np.ndarray:
        """obs [B, obs_dim] -> log π(·|x) [B, actions]."""
        h = obs
        for w, b in self.layers:
            h = np.tanh(h @ w + b)
        logits = h @ self.head[0] + self.head[1]
        logits = logits - logits.max(-1, keepdims=True)
        return logits - np.log(np.exp(logits).sum(-1, keepdims=True))


class Actors:
    """``n`` CartPole environments that play unrolls with a given (behaviour) network."""

    def __init__(self, n: int, seed: int) -> None:
        self.seed, self.episodes = seed, 0
        self.envs = [make_env() for _ in range(n)]
        self.obs = np.stack([self._reset(env) for env in self.envs]).astype(np.float32)
        self.running = np.zeros(n)
        self.finished: list[float] = []  # returns of the episodes ended so far
        self.rng = np.random.default_rng(seed)

    def _reset(self, env: Any) -> np.ndarray:
        obs, _ = env.reset(seed=train_seed(self.seed, self.episodes))
        self.episodes += 1
        return obs

    def unroll(self, policy: NumpyPolicy, steps: int) -> dict[str, torch.Tensor]:
        """obs [T+1, B, 4], actions [T, B], rewards [T, B], done [T, B], behaviour log μ(a) [T, B]."""
        n = len(self.envs)
        obs = np.empty((steps + 1, n, self.obs.shape[1]), dtype=np.float32)
        actions = np.empty((steps, n), dtype=np.int64)
        rewards = np.zeros((steps, n), dtype=np.float32)
        done = np.zeros((steps, n), dtype=np.float32)
        logmu = np.empty((steps, n), dtype=np.float32)
        rows = np.arange(n)
        for t in range(steps):
            obs[t] = self.obs
            logp = policy.log_probs(self.obs)  # [B, A]
            u = self.rng.random(n)
            a = (u[:, None] > np.cumsum(np.exp(logp), -1)[:, :-1]).sum(-1)
            logmu[t] = logp[rows, a]
            actions[t] = a
            for i, env in enumerate(self.envs):
                o, r, term, trunc, _ = env.step(int(actions[t, i]))
                rewards[t, i] = r
                self.running[i] += r
                if term or trunc:
                    done[t, i] = 1.0
                    self.finished.append(float(self.running[i]))
                    self.running[i] = 0.0
                    o = self._reset(env)
                self.obs[i] = o
        obs[steps] = self.obs
        return {
            "obs": torch.from_numpy(obs),
            "actions": torch.from_numpy(actions),
            "rewards": torch.from_numpy(rewards),
            "done": torch.from_numpy(done),
            "logmu": torch.from_numpy(logmu),
        }

    def close(self) -> None:
        for env in self.envs:
            env.close()


def loss_of(
    net: ActorCritic, batch: dict[str, torch.Tensor], cfg: LearnConfig
) -> tuple[torch.Tensor, dict[str, float]]:
    """The learner's loss on one batch of unrolls, and its parts."""
    logits, values = net(batch["obs"])  # [T+1, B, A], [T+1, B]
    logp_all = F.log_softmax(logits[:-1], -1)
    logp = logp_all.gather(-1, batch["actions"].unsqueeze(-1)).squeeze(-1)  # [T, B]
    discounts = cfg.discount * (1.0 - batch["done"])
    ret = targets(
        cfg.method,
        logp.detach() - batch["logmu"],
        discounts,
        batch["rewards"] * cfg.reward_scale,
        values[:-1].detach(),
        values[-1].detach(),
        cfg.rho_bar,
        cfg.c_bar,
    )
    pg = -(ret.pg_advantages * logp).mean()
    baseline = 0.5 * ((ret.vs - values[:-1]) ** 2).mean()
    entropy = -(logp_all.exp() * logp_all).sum(-1).mean()
    loss = pg + cfg.baseline_cost * baseline - cfg.entropy_cost * entropy
    parts = {
        "pg": float(pg.detach()),
        "baseline": float(baseline.detach()),
        "entropy": float(entropy.detach()),
        "mean_rho": float(torch.exp(logp.detach() - batch["logmu"]).mean()),
    }
    return loss, parts


def learn(
    cfg: LearnConfig,
    on_update: Callable[[int, dict[str, float]], None] | None = None,
    curve_every: int = 50,
) -> LearnResult:
    """Train a fresh network with lagged actors; ``on_update(update, figures)`` after each step."""
    torch.manual_seed(cfg.seed)
    net = ActorCritic(Config())
    opt = torch.optim.Adam(net.parameters(), lr=cfg.lr)
    snapshots: deque[NumpyPolicy] = deque(maxlen=cfg.lag + 1)
    snapshots.append(NumpyPolicy(net.state_dict()))
    actors = Actors(cfg.actors, cfg.seed)
    result = LearnResult(net, 0, 0)
    window: deque[float] = deque(maxlen=20)
    try:
        for update in range(1, cfg.updates + 1):
            seen = len(actors.finished)
            batch = actors.unroll(snapshots[0], cfg.unroll)  # the policy of `lag` updates ago
            window.extend(actors.finished[seen:])
            loss, parts = loss_of(net, batch, cfg)
            opt.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(net.parameters(), cfg.max_grad_norm)
            opt.step()
            snapshots.append(NumpyPolicy(net.state_dict()))
            figures = {"loss": float(loss.detach()), **parts}
            if window:
                figures["return"] = float(np.mean(window))
            if update % curve_every == 0 or update == cfg.updates:
                result.curve.append({"update": update, "return": figures.get("return", 0.0)})
            if on_update is not None:
                on_update(update, figures)
            result.last_loss, result.mean_rho = figures["loss"], parts["mean_rho"]
    finally:
        actors.close()
    result.updates, result.episodes = cfg.updates, actors.episodes
    return result
