import { tensor } from '@torchlet/autograd';
import { fitByGradientDescent, fitByNewton, makeData, secondDerivativeOfCube, TRUE_COEFFICIENTS } from './tensor-autograd.js';

const { x, y } = makeData(41, 0.05, 0);
const show = (values: number[]): string => values.map((v) => v.toFixed(4)).join(', ');

const descent = fitByGradientDescent(x, y);
console.log(`${`gradient descent (${descent.losses.length} steps):`.padEnd(32)} [${show(descent.coefficients)}], mse ${descent.losses[0]!.toFixed(3)} → ${descent.losses[descent.losses.length - 1]!.toFixed(5)}`);
const newton = fitByNewton(x, y);
console.log(`${`Newton (${newton.gradientNorms.length - 1} steps):`.padEnd(32)} [${show(newton.coefficients)}], |∇| ${newton.gradientNorms.map((g) => g.toExponential(1)).join(' → ')}`);
console.log(`${'truth:'.padEnd(32)} [${show(TRUE_COEFFICIENTS)}]`);

const points = tensor([-1, 0, 0.5, 2], { dtype: 'float64' });
console.log(`d²/dx² x³ at ${JSON.stringify(points.tolist())}: ${JSON.stringify(secondDerivativeOfCube(points).tolist())} (6x)`);
