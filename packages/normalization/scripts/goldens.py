"""Golden values for the @gs/normalization tests (numpy, float64).

Not needed to run the tests: it prints the numbers pasted into src/*.test.ts. Forward passes are
the formulas of the papers / PyTorch modules; gradients of L = sum(y * r) are central differences
in float64 (h = 1e-6), which agree with autograd to ~1e-9. The PyTorch code each block reproduces
is quoted in the matching test.
"""
import json
import numpy as np

def inputs(shape, a=1.3, b=0.7, c=0.0):
    n = int(np.prod(shape))
    i = np.arange(n, dtype=np.float64)
    return (np.sin(i * a + c) * 2 + np.cos(i * b) * 0.5).reshape(shape)

def grad(f, x, r):
    g = np.zeros_like(x)
    flat = x.reshape(-1)
    gf = g.reshape(-1)
    h = 1e-6
    for k in range(flat.size):
        old = flat[k]
        flat[k] = old + h; up = np.sum(f() * r)
        flat[k] = old - h; down = np.sum(f() * r)
        flat[k] = old
        gf[k] = (up - down) / (2 * h)
    return g

def show(name, value):
    print(f"{name}: {json.dumps([float(f'{v:.8g}') for v in np.asarray(value).reshape(-1)])}")

# GroupNorm, channels last, x [2, 2, 2, 4], groups 2, eps 1e-3.
x = inputs([2, 2, 2, 4]); gamma = np.array([1.5, -0.5, 2.0, 0.25]); beta = np.array([0.1, 0.2, -0.3, 0.4])
r = inputs([2, 2, 2, 4], 0.9, 1.1, 0.3)
def group_norm(x=x, gamma=gamma, beta=beta, groups=2, eps=1e-3):
    n, h, w, c = x.shape
    g = x.reshape(n, h, w, groups, c // groups)
    mean = g.mean(axis=(1, 2, 4), keepdims=True); var = g.var(axis=(1, 2, 4), keepdims=True)
    return ((g - mean) / np.sqrt(var + eps)).reshape(x.shape) * gamma + beta
print('# group'); show('x', x); show('r', r); show('y', group_norm())
show('dx', grad(group_norm, x, r)); show('dgamma', grad(group_norm, gamma, r)); show('dbeta', grad(group_norm, beta, r))
show('y_instance', group_norm(groups=4))

# RMSNorm, x [3, 4], eps 1e-6.
x2 = inputs([3, 4], 0.8, 0.4, 0.2); g2 = np.array([0.5, 1.0, -1.5, 2.0]); r2 = inputs([3, 4], 1.7, 0.3, 1.0)
def rms_norm(x=x2, gamma=g2, eps=1e-6):
    return x / np.sqrt(np.mean(x * x, axis=-1, keepdims=True) + eps) * gamma
print('# rms'); show('x', x2); show('r', r2); show('y', rms_norm()); show('dx', grad(rms_norm, x2, r2)); show('dgamma', grad(rms_norm, g2, r2))

# LayerNorm, x [3, 4], eps 1e-3.
b2 = np.array([0.3, -0.2, 0.0, 0.1])
def layer_norm(x=x2, gamma=g2, beta=b2, eps=1e-3):
    mean = x.mean(-1, keepdims=True); var = x.var(-1, keepdims=True)
    return (x - mean) / np.sqrt(var + eps) * gamma + beta
print('# layer'); show('y', layer_norm()); show('dx', grad(layer_norm, x2, r2)); show('dgamma', grad(layer_norm, g2, r2)); show('dbeta', grad(layer_norm, b2, r2))
show('y_plain', layer_norm(gamma=np.ones(4), beta=np.zeros(4)))

# BatchNorm (Keras convention), x [4, 3], momentum 0.9, eps 1e-3, training then inference.
x3 = inputs([4, 3], 1.1, 0.6, 0.5); g3 = np.array([1.2, 0.7, -0.4]); b3 = np.array([0.05, -0.1, 0.2]); r3 = inputs([4, 3], 0.5, 1.9, 0.1)
def batch_norm_train(x=x3, gamma=g3, beta=b3, eps=1e-3):
    return (x - x.mean(0)) / np.sqrt(x.var(0) + eps) * gamma + beta
moving_mean = 0.9 * 0 + 0.1 * x3.mean(0); moving_var = 0.9 * 1 + 0.1 * x3.var(0)
print('# batch'); show('x', x3); show('r', r3); show('y_train', batch_norm_train())
show('dx', grad(batch_norm_train, x3, r3)); show('dgamma', grad(batch_norm_train, g3, r3)); show('dbeta', grad(batch_norm_train, b3, r3))
show('moving_mean', moving_mean); show('moving_var', moving_var)
show('y_inference', (x3 - moving_mean) / np.sqrt(moving_var + 1e-3) * g3 + b3)

# Weight norm on Dense: v [3, 2], g [2], bias [2], x [2, 3].
v = inputs([3, 2], 0.6, 1.3, 0.4); g = np.array([0.8, -1.7]); bias = np.array([0.25, -0.5]); x4 = inputs([2, 3], 1.4, 0.2, 0.9); r4 = inputs([2, 2], 0.3, 0.8, 0.2)
def weight_norm(x=x4, v=v, g=g, bias=bias):
    return x @ (g * v / np.linalg.norm(v, axis=0)) + bias
print('# weight'); show('v', v); show('x', x4); show('r', r4); show('y', weight_norm()); show('dv', grad(weight_norm, v, r4)); show('dg', grad(weight_norm, g, r4))
show('y_initial', x4 @ v + bias); show('g_initial', np.linalg.norm(v, axis=0))

# Spectral norm on Dense: kernel [4, 3], x [2, 4]; at convergence sigma = largest singular value.
k = inputs([4, 3], 0.45, 1.25, 0.7); x5 = inputs([2, 4], 1.05, 0.35, 0.15); r5 = inputs([2, 3], 0.65, 0.95, 0.5)
def spectral(x=x5, k=k):
    return x @ (k / np.linalg.svd(k, compute_uv=False)[0])
print('# spectral'); show('k', k); show('x', x5); show('r', r5); show('sigma', np.linalg.svd(k, compute_uv=False)[0])
show('y', spectral()); show('dk', grad(spectral, k, r5))

# Weight standardization on Dense: kernel [3, 2], bias [2], x [2, 3], eps 1e-5.
def standardized(x=x4, v=v, bias=bias, eps=1e-5):
    return x @ ((v - v.mean(0)) / np.sqrt(v.var(0) + eps)) + bias
print('# standardization'); show('y', standardized()); show('dv', grad(standardized, v, r4))

# Singular vectors of the spectral-norm kernel: our v (fan-in side) = U[:, 0], our u (units side) = Vt[0].
U, S, Vt = np.linalg.svd(k)
print('# spectral vectors'); show('singular_values', S); show('v_left', U[:, 0]); show('u_right', Vt[0])
