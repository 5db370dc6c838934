"""Sign-in sessions in Redis: an opaque token, stored only as its SHA-256, with a sliding expiry."""

from __future__ import annotations

import hashlib
import json
import secrets
from dataclasses import dataclass

from api.persistence.redis_store import Keys, Redis


@dataclass(frozen=True, slots=True)
class SessionData:
    operator_id: int
    user_id: str
    role: str
    token_hash: str
    # The operator's session epoch when the session was opened (see migration 0006).
    epoch: int = 0
    # Signed in with a second factor (TOTP) as well as the password.
    second_factor: bool = False


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _encode(*, operator_id: int, user_id: str, role: str, epoch: int, second_factor: bool) -> str:
    return json.dumps(
        {
            "operator_id": operator_id,
            "user_id": user_id,
            "role": role,
            "epoch": epoch,
            "second_factor": second_factor,
        }
    )


# Past this many sessions of one user, the index is swept of expired ones at the next sign-in.
INDEX_PRUNE_THRESHOLD = 20


class SessionStore:
    def __init__(self, redis: Redis, keys: Keys, *, ttl_seconds: int) -> None:
        self.redis = redis
        self.keys = keys
        self.ttl_seconds = ttl_seconds

    async def create(
        self,
        *,
        operator_id: int,
        user_id: str,
        role: str,
        epoch: int,
        second_factor: bool = False,
    ) -> str:
        token = secrets.token_urlsafe(32)
        token_hash = hash_token(token)
        value = _encode(
            operator_id=operator_id,
            user_id=user_id,
            role=role,
            epoch=epoch,
            second_factor=second_factor,
        )
        index = self.keys.user_sessions(operator_id)
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.set(self.keys.session(token_hash), value, ex=self.ttl_seconds)
            # The index has no expiry of its own: a session kept alive by use may live far longer
            # than any fixed TTL, and "sign out everywhere" must still find it.
            pipe.sadd(index, token_hash)
            pipe.scard(index)
            _, _, size = await pipe.execute()
        if int(size) > INDEX_PRUNE_THRESHOLD:
            await self._prune(index)
        return token

    async def _prune(self, index: str) -> None:
        """Forget the index members whose sessions have expired."""
        members = [str(m) for m in await self.redis.smembers(index)]
        async with self.redis.pipeline(transaction=False) as pipe:
            for member in members:
                pipe.exists(self.keys.session(member))
            alive = await pipe.execute()
        expired = [m for m, exists in zip(members, alive, strict=True) if not exists]
        if expired:
            await self.redis.srem(index, *expired)

    async def resolve(self, token: str) -> SessionData | None:
        """The session of `token`, renewing its expiry (sliding), or None."""
        token_hash = hash_token(token)
        raw = await self.redis.getex(self.keys.session(token_hash), ex=self.ttl_seconds)
        if raw is None:
            return None
        data = json.loads(raw)
        return SessionData(
            operator_id=int(data["operator_id"]),
            user_id=str(data["user_id"]),
            role=str(data["role"]),
            token_hash=token_hash,
            # Sessions opened before epochs existed count as epoch 0, the column's default.
            epoch=int(data.get("epoch", 0)),
            second_factor=bool(data.get("second_factor", False)),
        )

    async def move_to_epoch(self, session: SessionData, epoch: int) -> None:
        """Keep `session` valid under the operator's new epoch (the session that changed the
        password stays signed in). Only an existing session is rewritten."""
        value = _encode(
            operator_id=session.operator_id,
            user_id=session.user_id,
            role=session.role,
            epoch=epoch,
            second_factor=session.second_factor,
        )
        await self.redis.set(self.keys.session(session.token_hash), value, xx=True, keepttl=True)

    async def is_active(self, token_hash: str) -> bool:
        return bool(await self.redis.exists(self.keys.session(token_hash)))

    async def revoke(self, session: SessionData) -> None:
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.delete(self.keys.session(session.token_hash))
            pipe.srem(self.keys.user_sessions(session.operator_id), session.token_hash)
            await pipe.execute()

    async def revoke_all(self, operator_id: int, *, keep_token_hash: str | None = None) -> int:
        """Revoke every session of an operator (password change, deregistration, disabling)."""
        index = self.keys.user_sessions(operator_id)
        members = [str(m) for m in await self.redis.smembers(index) if m != keep_token_hash]
        if not members:
            return 0
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.delete(*(self.keys.session(m) for m in members))
            pipe.srem(index, *members)
            results = await pipe.execute()
        return int(results[0])
